import {
  approveLinkCode,
  ClientError,
  ClientErrorCode,
  type DeviceRequest,
  listDevices,
  LoginApi,
  loginLinkedDevice,
  nameThisDevice,
  removeDevice,
  requestLinkCode,
} from '@coming/client';
import {
  accountKeyFromSeed,
  createMnemonic,
  seedFromMnemonic,
  signalIdentityKeyFromSeed,
  signDeviceRemoval,
  signIdentityKey,
  signLogin,
} from '@coming/identity';
import { devices, MAX_PROVISIONING_CIPHERTEXT_BYTES, messaging, wire } from '@coming/proto';
import { curveKeyPairFromPrivateKey, generateKyberPreKey, generatePreKey, generateSignedPreKey } from '@coming/signal';
import { eventually } from '@coming/testing';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { envelopeFor, InProcessGateway, refusedUpgrade, TestSocket } from './in-process-gateway';

const AUDIENCE = '127.0.0.1';

const fail = (what: string): never => {
  throw new Error(what);
};
const PROVISIONING_TTL_MS = 4_000;
// Above what the other tests open, so that the last one reaches the limit itself.
const PROVISIONING_PER_IP = 9;

/** A device's request function over a test socket: error frames reject, as the SDK's connection does. */
function requestOver(socket: TestSocket): DeviceRequest {
  return async (body) => {
    const { error, ...answer } = await socket.request(body);
    if (error !== undefined) throw new ClientError(ClientErrorCode.Rejected, error.message, error);
    return answer;
  };
}

/** Every DevicesRemoved pushed to the socket. */
function removalsSeenBy(socket: TestSocket): devices.RemovedDevice[] {
  const seen: devices.RemovedDevice[] = [];
  socket.socket.on('message', (data: Buffer) => seen.push(...(wire.ServerFrame.decode(data).devicesRemoved?.removed ?? [])));
  return seen;
}

/** The keys a first upload carries; the identity key's account signature is all a linked device needs from the account key. */
function keyUpload(identityPrivateKey: Uint8Array, identityKeySignature: Uint8Array): wire.UploadKeysRequest {
  const identity = curveKeyPairFromPrivateKey(identityPrivateKey);
  const signed = generateSignedPreKey(identity, 1, Date.now());
  const lastResort = generateKyberPreKey(identity, 2, Date.now());
  return {
    registrationId: 7,
    identityKey: { publicKey: identity.publicKey, accountSignature: identityKeySignature },
    signedPreKey: { keyId: signed.id, publicKey: signed.keyPair.publicKey, signature: signed.signature },
    lastResortKyberPreKey: { keyId: lastResort.id, publicKey: lastResort.keyPair.publicKey, signature: lastResort.signature },
    oneTimePreKeys: [3, 4].map((id) => ({ keyId: id, publicKey: generatePreKey(id).keyPair.publicKey })),
    oneTimeKyberPreKeys: [],
  };
}

describe('linked devices through the gateway', () => {
  let gateway: InProcessGateway;
  /** A second gateway on the same services, which never holds the revoked devices' sockets. */
  let otherGatewayUrl: string;
  let api: LoginApi;

  beforeAll(async () => {
    gateway = await InProcessGateway.start('gateway-linked-devices', {
      env: {
        GATEWAY_PROVISIONING_TTL_MS: String(PROVISIONING_TTL_MS),
        GATEWAY_PROVISIONING_PER_IP_PER_MINUTE: String(PROVISIONING_PER_IP),
        AUTH_SWEEP_INTERVAL_MS: '300',
      },
    });
    otherGatewayUrl = await gateway.startAnotherGateway();
    api = new LoginApi(gateway.url);
  });

  afterAll(async () => {
    await gateway.release();
  });

  /** Logs in with the account key over HTTP: device 0 registers the primary, 1 logs it in again. */
  const loginPrimary = async (account: { accountId: string; privateKey: Uint8Array }, deviceId: 0 | 1) => {
    const { challenge } = await api.challenge();
    const signature = signLogin({ challenge, accountId: account.accountId, deviceId, audience: AUDIENCE }, account.privateKey);
    return api.login({ accountId: account.accountId, deviceId, challenge, signature, audience: AUDIENCE });
  };

  /** A primary that logged in with the account key over HTTP, published its keys, and holds a receiving socket. */
  const primary = async () => {
    const seed = seedFromMnemonic(createMnemonic());
    const account = accountKeyFromSeed(seed);
    const identityPrivateKey = signalIdentityKeyFromSeed(seed);
    const loggedIn = await loginPrimary(account, 0);
    const socket = await gateway.connect(
      { accountId: account.accountId, deviceId: loggedIn.deviceId },
      { token: loggedIn.tokens?.accessToken ?? '' },
    );
    const identityKeySignature = signIdentityKey(
      account.accountId,
      curveKeyPairFromPrivateKey(identityPrivateKey).publicKey,
      account.privateKey,
    );
    expect(await socket.request({ uploadKeys: keyUpload(identityPrivateKey, identityKeySignature) })).toHaveProperty('uploadKeys');
    const identity = { accountId: account.accountId, identityPrivateKey, accountPrivateKey: account.privateKey };
    return { account, identity, socket, tokens: loggedIn.tokens, request: requestOver(socket), removals: removalsSeenBy(socket) };
  };

  /** Resolves once both gateways refuse `accessToken` at the upgrade, with the HTTP status and body of the refusals. */
  const refusedEverywhere = async (accessToken: string) => {
    const urls = [gateway.url, otherGatewayUrl];
    // Each gateway hears of the revocation on its own subscription, a moment after auth announced it.
    await eventually(async () => {
      const refusals = await Promise.all(urls.map((url) => refusedUpgrade(url, accessToken).catch(() => undefined)));
      return refusals.every((refusal) => refusal !== undefined);
    }, 'both gateways to refuse the token');
    return Promise.all(urls.map((url) => refusedUpgrade(url, accessToken)));
  };

  /** Opens a send-only socket with `accessToken` on each gateway, and checks that each answers a ping. */
  const acceptedEverywhere = async (accessToken: string) => {
    for (const url of [gateway.url, otherGatewayUrl]) {
      const socket = await TestSocket.open(url, accessToken, false);
      expect((await socket.request({ ping: {} })).ping, url).toBeDefined();
      socket.terminate();
    }
  };

  const REVOKED_BODY =
    /^REVOKED: device \d+ was removed from its account, or its tokens were revoked, at .+, after this token was issued; log in again$/;

  it('links a device that never holds the mnemonic, lists both, and removes it everywhere', async () => {
    const alice = await primary();
    const link = await requestLinkCode(gateway.url);
    expect(link.linkCode).toMatch(/^coming-link:\?v=1&a=/);
    await approveLinkCode(alice.request, link.linkCode, alice.identity);
    const linked = await link.linked;
    expect(linked.accountId).toBe(alice.account.accountId);
    // The new device got the identity key and its certificate, and nothing of the account key.
    const everything = Buffer.concat(
      [linked.identityPrivateKey, linked.identityKeySignature, linked.certificate.devicePublicKey, linked.certificate.signature].map(
        (bytes) => Buffer.from(bytes),
      ),
    );
    expect(everything.includes(Buffer.from(alice.account.privateKey))).toBe(false);
    expect(Object.keys(linked).sort()).toEqual(['accountId', 'certificate', 'deviceKey', 'identityKeySignature', 'identityPrivateKey']);

    // It logs in with its own key and the certificate, and publishes its keys with the identity signature it was given.
    const loggedIn = await loginLinkedDevice(api, linked, 0, AUDIENCE);
    expect(loggedIn.deviceId).toBe(2);
    const device2 = { accountId: linked.accountId, deviceId: 2 };
    const linkedSocket = await gateway.connect(device2, { token: loggedIn.tokens?.accessToken ?? '' });
    expect(await linkedSocket.request({ uploadKeys: keyUpload(linked.identityPrivateKey, linked.identityKeySignature) })).toHaveProperty(
      'uploadKeys',
    );
    await nameThisDevice(requestOver(linkedSocket), 'Alice’s tablet', linked);
    await nameThisDevice(alice.request, 'Alice’s phone', linked);
    const listing = await listDevices(requestOver(linkedSocket), linked);
    expect(listing.devices).toEqual([
      expect.objectContaining({ deviceId: 1, name: 'Alice’s phone', kind: 'primary', ready: true }),
      expect.objectContaining({ deviceId: 2, name: 'Alice’s tablet', kind: 'linked', ready: true }),
    ]);
    const { rows: names } = await sql<{ name: Uint8Array }>`select encrypted_name as name from devices
      where account_id = ${linked.accountId}`.execute(gateway.infrastructure.db);
    for (const { name } of names) expect(Buffer.from(name).includes(Buffer.from('Alice'))).toBe(false);

    // Something waits in its mailbox; a sender addresses both devices.
    await gateway.store(envelopeFor(device2));
    expect(await gateway.storedFor(device2)).toBe(1);
    const bob = await gateway.register();
    const bobSocket = await gateway.connect(bob, { receive: false });
    const sendToAlice = () =>
      bobSocket.request({
        sendMessage: {
          destinationAccount: alice.account.accountId,
          clientMessageId: randomBytes(16),
          clientTimestampMs: Date.now(),
          retryOfRefused: false,
          messages: [1, 2].map((destinationDevice) => ({
            destinationDevice,
            contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
            content: Buffer.from([0x44, 1]),
          })),
        },
      });

    // Removal needs the account key; the linked device has none.
    const forged = signDeviceRemoval(alice.account.accountId, 1, linked.deviceKey.privateKey);
    const refused = await linkedSocket.request({ removeDevice: { ...forged, deviceId: 1 } });
    expect(refused.error).toMatchObject({
      code: wire.ErrorCode.ERROR_CODE_BAD_SIGNATURE,
      message: expect.stringMatching(/not the account key's over removing device 1/),
    });

    await removeDevice(alice.request, 2, { accountId: alice.account.accountId, accountPrivateKey: alice.account.privateKey });
    expect(await linkedSocket.closed()).toBe(wire.CloseCode.CLOSE_CODE_REVOKED);
    await eventually(() => alice.removals.some((removed) => removed.deviceId === 2), 'the primary to hear of the removal');
    await expect(api.refresh(loggedIn.tokens?.refreshToken ?? '')).rejects.toMatchObject({ code: ClientErrorCode.Unauthenticated });
    await expect(loginLinkedDevice(api, linked, 2, AUDIENCE)).rejects.toMatchObject({
      code: ClientErrorCode.Unauthenticated,
      message: expect.stringMatching(/CERTIFICATE_REJECTED/),
    });
    await eventually(async () => (await gateway.storedFor(device2)) === 0, 'its mailbox to be purged');
    await eventually(async () => {
      const { rows } = await sql<{ keys: number }>`select
          (select count(*) from device_keys where account_id = ${linked.accountId} and device_id = 2)
        + (select count(*) from one_time_pre_keys where account_id = ${linked.accountId} and device_id = 2) as keys`.execute(
        gateway.infrastructure.db,
      );
      return Number(rows[0]?.keys) === 0;
    }, 'its keys to be purged');
    expect((await sendToAlice()).error).toMatchObject({ code: wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH, extraDevices: [2] });
    expect((await listDevices(alice.request, linked)).recentlyRemoved).toEqual([
      expect.objectContaining({ deviceId: 2, reason: 'removed' }),
    ]);
  });

  it('refuses a removed device’s saved access token on every gateway, and not the new device that later gets its ID', async () => {
    const alice = await primary();
    const link = await requestLinkCode(otherGatewayUrl);
    await approveLinkCode(alice.request, link.linkCode, alice.identity);
    const removed = await link.linked;
    const savedToken = (await loginLinkedDevice(api, removed, 0, AUDIENCE)).tokens?.accessToken ?? '';
    const socket = await gateway.connect({ accountId: removed.accountId, deviceId: 2 }, { token: savedToken });

    await removeDevice(alice.request, 2, { accountId: alice.account.accountId, accountPrivateKey: alice.account.privateKey });
    expect(await socket.closed()).toBe(wire.CloseCode.CLOSE_CODE_REVOKED);
    for (const refusal of await refusedEverywhere(savedToken)) {
      expect(refusal).toEqual({ status: 401, body: expect.stringMatching(REVOKED_BODY) });
      expect(refusal.body).toMatch(/^REVOKED: device 2 /);
    }

    // Once both purges are confirmed, auth gives ID 2 to the next device; its tokens are newer than the revocation.
    // (Both link codes are asked of the other gateway: a new device may link through any gateway.)
    await eventually(async () => {
      const { rows } = await sql<{ pending: number }>`select count(*) as pending from removed_devices
        where account_id = ${alice.account.accountId} and (mailbox_purged_at is null or keys_purged_at is null)`.execute(
        gateway.infrastructure.db,
      );
      return Number(rows[0]?.pending) === 0;
    }, 'both purges of device 2 to be confirmed');
    const nextLink = await requestLinkCode(otherGatewayUrl);
    await approveLinkCode(alice.request, nextLink.linkCode, alice.identity);
    const successor = await loginLinkedDevice(api, await nextLink.linked, 0, AUDIENCE);
    expect(successor.deviceId).toBe(2);
    await acceptedEverywhere(successor.tokens?.accessToken ?? '');
    // The old token stays refused meanwhile.
    expect((await refusedUpgrade(otherGatewayUrl, savedToken)).status).toBe(401);
  });

  it('refuses on every gateway each access token of a device whose refresh token came back, and not a later login’s', async () => {
    const alice = await primary();
    const first = alice.tokens ?? fail('no tokens');
    const rotated = (await api.refresh(first.refreshToken)) ?? fail('no rotated tokens');
    // The exchanged refresh token again: someone else holds it, so every token of the device is revoked.
    await expect(api.refresh(first.refreshToken)).rejects.toMatchObject({ code: ClientErrorCode.Unauthenticated });
    expect(await alice.socket.closed()).toBe(wire.CloseCode.CLOSE_CODE_REVOKED);

    for (const token of [first.accessToken, rotated.accessToken]) {
      for (const refusal of await refusedEverywhere(token))
        expect(refusal).toEqual({ status: 401, body: expect.stringMatching(REVOKED_BODY) });
    }
    const again = await loginPrimary(alice.account, 1);
    expect(again.deviceId).toBe(1);
    await acceptedEverywhere(again.tokens?.accessToken ?? '');
  });

  it('expires a device unseen for too long, and tells the account devices that are connected', async () => {
    const alice = await primary();
    const link = await requestLinkCode(gateway.url);
    await approveLinkCode(alice.request, link.linkCode, alice.identity);
    const linked = await link.linked;
    expect((await loginLinkedDevice(api, linked, 0, AUDIENCE)).deviceId).toBe(2);
    await sql`update devices set last_seen_at = now() - interval '31 days'
      where account_id = ${linked.accountId} and device_id = 2`.execute(gateway.infrastructure.db);
    await eventually(
      () => alice.removals.some((removed) => removed.deviceId === 2 && removed.reason === devices.RemovalReason.REMOVAL_REASON_EXPIRED),
      'the primary to hear that device 2 expired',
    );
    await expect(loginLinkedDevice(api, linked, 0, AUDIENCE)).rejects.toMatchObject({ code: ClientErrorCode.Unauthenticated });
  });

  it('refuses provisioning to a wrong, used or malformed address and an oversized message, and expires an unused address', async () => {
    const alice = await primary();
    const provision = (address: string, ciphertext: Uint8Array) => alice.socket.request({ provisionDevice: { address, ciphertext } });

    const unknown = await provision(randomBytes(16).toString('base64url'), new Uint8Array(100));
    expect(unknown.error).toMatchObject({
      code: wire.ErrorCode.ERROR_CODE_UNKNOWN_PROVISIONING_ADDRESS,
      message: expect.stringMatching(/no new device is waiting/),
    });
    expect((await provision('not-an-address', new Uint8Array(100))).error).toMatchObject({
      code: wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      message: expect.stringMatching(/address must be the 22 base64url characters/),
    });

    const link = await requestLinkCode(gateway.url);
    const address = parseAddress(link.linkCode);
    const oversized = await provision(address, new Uint8Array(MAX_PROVISIONING_CIPHERTEXT_BYTES + 1));
    expect(oversized.error).toMatchObject({
      code: wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      message: expect.stringMatching(
        new RegExp(`at most|1 to ${MAX_PROVISIONING_CIPHERTEXT_BYTES} bytes, got ${MAX_PROVISIONING_CIPHERTEXT_BYTES + 1}`),
      ),
    });
    await approveLinkCode(alice.request, link.linkCode, alice.identity);
    await link.linked;
    // Single use: the address is gone once a primary used it.
    await expect(approveLinkCode(alice.request, link.linkCode, alice.identity)).rejects.toMatchObject({
      serverError: { code: wire.ErrorCode.ERROR_CODE_UNKNOWN_PROVISIONING_ADDRESS },
    });

    const unused = await requestLinkCode(gateway.url);
    await expect(unused.linked).rejects.toThrow(/link code expired/);
    const expired = parseAddress(unused.linkCode);
    expect((await provision(expired, new Uint8Array(100))).error?.code).toBe(wire.ErrorCode.ERROR_CODE_UNKNOWN_PROVISIONING_ADDRESS);
  });

  it('closes a provisioning connection that sends anything, and limits how many one address opens', async () => {
    const socket = new WebSocket(`${gateway.url}/v1/provisioning`);
    await new Promise((resolve) => socket.once('message', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send(Buffer.from([1, 2, 3]));
    expect(await closed).toBe(1008);

    const refusals: number[] = [];
    for (let attempt = 0; attempt < PROVISIONING_PER_IP + 1 && refusals.length === 0; attempt += 1) {
      await requestLinkCode(gateway.url).then(
        (link) => link.cancel(),
        (error: unknown) => refusals.push(attempt) && expect(String(error)).toMatch(/HTTP 429/),
      );
    }
    expect(refusals).toHaveLength(1);
  });
});

function parseAddress(linkCode: string): string {
  return new URLSearchParams(linkCode.slice('coming-link:?'.length)).get('a') ?? '';
}
