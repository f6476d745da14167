import { type Broker, subjects } from '@coming/broker';
import { callGrpc, GrpcStatus } from '@coming/grpc';
import {
  accountKeyFromMnemonic,
  createDeviceKey,
  createMnemonic,
  type DeviceKey,
  signDeviceCertificate,
  signDeviceRemoval,
  signLinkedLogin,
} from '@coming/identity';
import { type auth, devices, events } from '@coming/proto';
import { createTestInfrastructure, eventually, type TestInfrastructure } from '@coming/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceSweeper } from '../src/devices/device.sweeper';
import { AUDIENCE, type AuthUnderTest, DEADLINE_MS, someIp, startAuthUnderTest, subscribeOnce } from './auth-test-service';

const { DEVICE_KIND_LINKED, DEVICE_KIND_PRIMARY } = devices.DeviceKind;
const { REMOVAL_REASON_EXPIRED, REMOVAL_REASON_REMOVED } = devices.RemovalReason;

/** Answers auth's purge requests as the mailbox and keys do once they have deleted; `answering` switches that off. */
function purgeResponder(broker: Broker) {
  const asked: string[] = [];
  const state = { answering: true, asked };
  const subscriptions = ['mailbox', 'keys'].map((service) =>
    broker.subscribe(`purge.*.*.${service}`, (message) => {
      asked.push(message.subject);
      if (state.answering) message.respond(events.PurgeDeviceReply.encode({ deleted: 0 }).finish());
    }),
  );
  return { state, stop: () => subscriptions.forEach((subscription) => subscription.unsubscribe()) };
}

describe('linked devices', () => {
  let infrastructure: TestInfrastructure;
  let auth: AuthUnderTest;
  let purges: ReturnType<typeof purgeResponder>;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('auth-linked-devices');
    auth = await startAuthUnderTest(infrastructure, { AUTH_DEVICE_INACTIVE_DAYS: '30' });
    purges = purgeResponder(infrastructure.broker);
    await infrastructure.broker.ping();
  });

  afterAll(async () => {
    purges.stop();
    await auth.close();
    await infrastructure.release();
  });

  const linkedLogin = async (accountId: string, certificate: auth.LoginRequest['deviceCertificate'], key: DeviceKey, deviceId = 0) => {
    const clientIp = someIp();
    const challenge = await auth.challenge(clientIp);
    const signature = signLinkedLogin({ challenge, accountId, deviceId, audience: AUDIENCE }, key.privateKey);
    const request = { accountId, deviceId, challenge, signature, clientIp, audience: AUDIENCE, deviceCertificate: certificate };
    return callGrpc(auth.client.login(request), DEADLINE_MS);
  };

  /** A primary (device 1) and a device key it certified. */
  const account = async () => {
    const mnemonic = createMnemonic();
    const key = accountKeyFromMnemonic(mnemonic);
    await auth.loggedIn(mnemonic, 0);
    const deviceKey = createDeviceKey();
    const certificate = signDeviceCertificate(key.accountId, deviceKey.publicKey, key.privateKey);
    return { mnemonic, key, deviceKey, certificate };
  };

  const remove = (accountId: string, deviceId: number, privateKey: Uint8Array, timestampMs?: number) =>
    callGrpc(auth.client.removeDevice(signDeviceRemoval(accountId, deviceId, privateKey, timestampMs)), DEADLINE_MS);
  const list = (accountId: string) => callGrpc(auth.client.listDevices({ accountId }), DEADLINE_MS);

  it('logs a linked device in with its certificate, and gives a retried first login the same device', async () => {
    const { key, deviceKey, certificate } = await account();
    const first = await linkedLogin(key.accountId, certificate, deviceKey);
    expect(first).toMatchObject({ loggedIn: { deviceId: 2, accountCreated: false } });
    expect(await linkedLogin(key.accountId, certificate, deviceKey)).toMatchObject({ loggedIn: { deviceId: 2 } });
    expect(await linkedLogin(key.accountId, certificate, deviceKey, 2)).toMatchObject({ loggedIn: { deviceId: 2 } });
    // Its token pair refreshes like any other.
    const refreshed = await callGrpc(
      auth.client.refresh({ refreshToken: first.loggedIn?.tokens?.refreshToken ?? '', clientIp: someIp() }),
      DEADLINE_MS,
    );
    expect(refreshed).toHaveProperty('tokens');
  });

  it('refuses a certificate another account signed, a login its device key did not sign, and another device ID', async () => {
    const { key, deviceKey, certificate } = await account();
    const stranger = accountKeyFromMnemonic(createMnemonic());
    const forged = signDeviceCertificate(key.accountId, deviceKey.publicKey, stranger.privateKey);
    expect(await linkedLogin(key.accountId, forged, deviceKey)).toMatchObject({
      certificateRejected: { reason: expect.stringMatching(/not signed by the account key/) },
    });
    expect(await linkedLogin(key.accountId, certificate, createDeviceKey())).toMatchObject({ badSignature: {} });
    // Device 1 is the primary: a certificate does not make its holder device 1.
    expect(await linkedLogin(key.accountId, certificate, deviceKey, 1)).toMatchObject({
      certificateRejected: { reason: expect.stringMatching(/device 1 is not this certificate's device/) },
    });
  });

  it('names a malformed certificate', async () => {
    const { key, deviceKey, certificate } = await account();
    await expect(linkedLogin(key.accountId, { ...certificate, devicePublicKey: new Uint8Array(5) }, deviceKey)).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringMatching(/device_certificate.device_public_key must be 32 bytes, got 5/),
    });
  });

  it('lists every device with its kind, sealed name and times', async () => {
    const { key, deviceKey, certificate } = await account();
    await linkedLogin(key.accountId, certificate, deviceKey);
    const name = new Uint8Array([1, 2, 3]);
    await callGrpc(auth.client.setDeviceName({ accountId: key.accountId, deviceId: 2, encryptedName: name }), DEADLINE_MS);
    const listing = await list(key.accountId);
    expect(listing.devices).toEqual([
      expect.objectContaining({ deviceId: 1, kind: DEVICE_KIND_PRIMARY, encryptedName: new Uint8Array() }),
      expect.objectContaining({ deviceId: 2, kind: DEVICE_KIND_LINKED, encryptedName: name }),
    ]);
    for (const device of listing.devices) expect(device.lastSeenAtMs).toBeGreaterThanOrEqual(device.createdAtMs);
    await expect(
      callGrpc(auth.client.setDeviceName({ accountId: key.accountId, deviceId: 2, encryptedName: new Uint8Array(513) }), DEADLINE_MS),
    ).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, message: expect.stringMatching(/encrypted_name must be 1 to 512 bytes/) });
  });

  it('removes a device on the account key signature: tokens, certificate and slot go, and the gateways and purgers hear of it', async () => {
    const { key, deviceKey, certificate } = await account();
    const linked = await linkedLogin(key.accountId, certificate, deviceKey);
    const revoked = await subscribeOnce(infrastructure.broker, subjects.deviceRevoked(key.accountId, 2));
    const changed = await subscribeOnce(infrastructure.broker, subjects.devicesChanged(key.accountId));
    expect(await remove(key.accountId, 2, key.privateKey)).toMatchObject({ removed: {} });

    expect(events.DeviceRevoked.decode(await revoked.next).reason).toBe('device removed from the account');
    expect(events.DevicesChanged.decode(await changed.next)).toMatchObject({
      accountId: key.accountId,
      removed: [{ deviceId: 2, reason: REMOVAL_REASON_REMOVED }],
    });
    const refresh = await callGrpc(
      auth.client.refresh({ refreshToken: linked.loggedIn?.tokens?.refreshToken ?? '', clientIp: someIp() }),
      DEADLINE_MS,
    );
    expect(refresh).toHaveProperty('refreshTokenRejected');
    expect(await linkedLogin(key.accountId, certificate, deviceKey)).toMatchObject({
      certificateRejected: { reason: expect.stringMatching(/removed from the account/) },
    });
    const listing = await list(key.accountId);
    expect(listing.devices.map((device) => device.deviceId)).toEqual([1]);
    expect(listing.recentlyRemoved).toEqual([expect.objectContaining({ deviceId: 2, reason: REMOVAL_REASON_REMOVED })]);
    // Both purgers were asked, and their answers recorded, without the caller waiting for them.
    const asked = [subjects.purgeMailbox(key.accountId, 2), subjects.purgeKeys(key.accountId, 2)];
    await eventually(() => asked.every((subject) => purges.state.asked.includes(subject)), 'both purge requests');
    await eventually(async () => {
      const { rows } = await sql<{ pending: number }>`select count(*)::int as pending from removed_devices
        where account_id = ${key.accountId} and (mailbox_purged_at is null or keys_purged_at is null)`.execute(infrastructure.db);
      return rows[0]?.pending === 0;
    }, 'the purges to be recorded');
  });

  it('refuses a removal the account key did not sign, a stale or replayed one, and an unknown device', async () => {
    const { key, deviceKey, certificate } = await account();
    await linkedLogin(key.accountId, certificate, deviceKey);
    // A linked device holds only its device key: it cannot remove the primary.
    expect(await remove(key.accountId, 1, deviceKey.privateKey)).toMatchObject({ badSignature: {} });
    expect(await remove(key.accountId, 1, key.privateKey, Date.now() - 10 * 60_000)).toMatchObject({
      removalRejected: { reason: expect.stringMatching(/more than 5 minutes from the server's clock/) },
    });
    expect(await remove(key.accountId, 9, key.privateKey)).toMatchObject({ deviceNotFound: {} });
    const signed = signDeviceRemoval(key.accountId, 2, key.privateKey);
    expect(await callGrpc(auth.client.removeDevice(signed), DEADLINE_MS)).toMatchObject({ removed: {} });
    await auth.loggedIn(createMnemonic(), 0);
    expect(await callGrpc(auth.client.removeDevice(signed), DEADLINE_MS)).toMatchObject({ deviceNotFound: {} });
    await expect(callGrpc(auth.client.removeDevice({ ...signed, nonce: new Uint8Array(3) }), DEADLINE_MS)).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringMatching(/nonce must be 16 bytes, got 3/),
    });
    expect((await list(key.accountId)).devices.map((device) => device.deviceId)).toEqual([1]);
  });

  it('refuses a replayed removal even once the device ID is back in use', async () => {
    const { mnemonic, key } = await account();
    await auth.loggedIn(mnemonic, 0);
    const signed = signDeviceRemoval(key.accountId, 2, key.privateKey);
    expect(await callGrpc(auth.client.removeDevice(signed), DEADLINE_MS)).toMatchObject({ removed: {} });
    expect(await auth.loggedIn(mnemonic, 0)).toMatchObject({ deviceId: 2 });
    expect(await callGrpc(auth.client.removeDevice(signed), DEADLINE_MS)).toMatchObject({
      removalRejected: { reason: expect.stringMatching(/already used/) },
    });
  });

  it('keeps a removed device ID out of use until the mailbox and keys confirm the purge', async () => {
    const { mnemonic, key } = await account();
    await auth.loggedIn(mnemonic, 0);
    purges.state.answering = false;
    try {
      expect(await remove(key.accountId, 2, key.privateKey)).toMatchObject({ removed: {} });
      expect(await auth.loggedIn(mnemonic, 0)).toMatchObject({ deviceId: 3 });
    } finally {
      purges.state.answering = true;
    }
    await auth.service.app.get(DeviceSweeper).sweep();
    expect(await auth.loggedIn(mnemonic, 0)).toMatchObject({ deviceId: 2 });
  });

  it('expires a device unseen for AUTH_DEVICE_INACTIVE_DAYS, and tells the account', async () => {
    const { key, deviceKey, certificate } = await account();
    await linkedLogin(key.accountId, certificate, deviceKey);
    await sql`update devices set last_seen_at = now() - interval '31 days' where account_id = ${key.accountId} and device_id = 2`.execute(
      infrastructure.db,
    );
    const changed = await subscribeOnce(infrastructure.broker, subjects.devicesChanged(key.accountId));
    await auth.service.app.get(DeviceSweeper).sweep();
    expect(events.DevicesChanged.decode(await changed.next).removed).toEqual([
      expect.objectContaining({ deviceId: 2, reason: REMOVAL_REASON_EXPIRED }),
    ]);
    const listing = await list(key.accountId);
    expect(listing.devices.map((device) => device.deviceId)).toEqual([1]);
    expect(listing.recentlyRemoved).toEqual([expect.objectContaining({ deviceId: 2, reason: REMOVAL_REASON_EXPIRED })]);
    expect(await linkedLogin(key.accountId, certificate, deviceKey)).toHaveProperty('certificateRejected');
  });

  it('names the cap when an account is full, and takes a device again once one is removed', async () => {
    const { mnemonic, key } = await account();
    await sql`insert into devices (account_id, device_id, ready_at) select ${key.accountId}, id, now() from generate_series(2, 16) id`.execute(
      infrastructure.db,
    );
    expect(await auth.login(mnemonic, 0)).toMatchObject({ tooManyDevices: { maxDevices: 16 } });
    expect(await remove(key.accountId, 5, key.privateKey)).toMatchObject({ removed: {} });
    expect(await auth.loggedIn(mnemonic, 0)).toMatchObject({ deviceId: 5 });
  });
});
