import { subjects } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, GrpcStatus, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic, signIdentityKey } from '@coming/identity';
import { events, keys } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { generateCurveKeyPair, generateKyberPreKey, generatePreKey, generateSignedPreKey } from '@coming/signal';
import {
  createTestInfrastructure,
  type DeclaredColumns,
  findFreePorts,
  tableColumnMismatches,
  type TestInfrastructure,
} from '@coming/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeys } from '../src/keys.app';
import { keysConfigSchema } from '../src/keys.config';
import type { KeysDatabase } from '../src/keys.database';

// A deadline a loaded machine meets: it guards against a hang, not against slowness.
const DEADLINE_MS = 30_000;
const LOW_WATER_MARK = 5;
const BURST_PER_TARGET = 6;
const BURST_PER_IP = 30;
const BURST_NEW_ACCOUNT = 10;
const TEN_MINUTES_MS = 10 * 60_000;

// Every column the table types declare; the compiler keeps this in step with them.
const DECLARED_COLUMNS = {
  identity_keys: { account_id: true, public_key: true, account_signature: true, updated_at: true, created_at: true },
  device_keys: {
    account_id: true,
    device_id: true,
    registration_id: true,
    signed_pre_key_id: true,
    signed_pre_key: true,
    signed_pre_key_signature: true,
    last_resort_key_id: true,
    last_resort_key: true,
    last_resort_signature: true,
    updated_at: true,
  },
  one_time_pre_keys: { account_id: true, device_id: true, key_id: true, public_key: true },
  one_time_kyber_pre_keys: { account_id: true, device_id: true, key_id: true, public_key: true, signature: true },
  fetch_budgets: { bucket: true, tokens: true, updated_at: true },
} satisfies DeclaredColumns<KeysDatabase>;

/** A device's complete first upload, with `count` one-time prekeys of each kind. */
function deviceUpload(count: number) {
  const account = accountKeyFromMnemonic(createMnemonic());
  const identity = generateCurveKeyPair();
  const signed = generateSignedPreKey(identity, 1, Date.now());
  const lastResort = generateKyberPreKey(identity, 2, Date.now());
  const request: keys.UploadKeysRequest = {
    accountId: account.accountId,
    deviceId: 1,
    registrationId: 42,
    identityKey: {
      publicKey: identity.publicKey,
      accountSignature: signIdentityKey(account.accountId, identity.publicKey, account.privateKey),
    },
    signedPreKey: { keyId: signed.id, publicKey: signed.keyPair.publicKey, signature: signed.signature },
    lastResortKyberPreKey: { keyId: lastResort.id, publicKey: lastResort.keyPair.publicKey, signature: lastResort.signature },
    oneTimePreKeys: Array.from({ length: count }, (_, index) => generatePreKey(100 + index)).map((key) => ({
      keyId: key.id,
      publicKey: key.keyPair.publicKey,
    })),
    oneTimeKyberPreKeys: Array.from({ length: count }, (_, index) => generateKyberPreKey(identity, 300 + index, Date.now())).map((key) => ({
      keyId: key.id,
      publicKey: key.keyPair.publicKey,
      signature: key.signature,
    })),
  };
  return { account, identity, request };
}

function newAccountId(): string {
  return accountKeyFromMnemonic(createMnemonic()).accountId;
}

describe('keys gRPC service', () => {
  let infrastructure: TestInfrastructure;
  let service: StartedService;
  let client: keys.KeysServiceClient;

  const upload = (request: keys.UploadKeysRequest) => callGrpc(client.uploadKeys(request), DEADLINE_MS);
  /** A fetch by a fresh requester (its own budgets) unless one is given. */
  const fetchBundles = (accountId: string, requester: Partial<{ accountId: string; deviceId: number; clientIp: string }> = {}) =>
    callGrpc(
      client.getPreKeyBundles({
        accountId,
        requesterAccountId: requester.accountId ?? newAccountId(),
        requesterDeviceId: requester.deviceId ?? 1,
        clientIp: requester.clientIp ?? '',
      }),
      DEADLINE_MS,
    );

  /** An account that published its keys two days ago, past the new-account budget. */
  const establishedAccount = async () => {
    const { account, request } = deviceUpload(0);
    await upload(request);
    await sql`update identity_keys set created_at = now() - interval '2 days' where account_id = ${account.accountId}`.execute(
      infrastructure.db,
    );
    return account.accountId;
  };

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('keys');
    const url = `127.0.0.1:${await findFreePorts(1)}`;
    const config = loadConfig(keysConfigSchema, {
      KEYS_GRPC_URL: url,
      KEYS_FETCH_BURST_PER_TARGET: String(BURST_PER_TARGET),
      KEYS_FETCH_REFILL_MS_PER_TARGET: String(TEN_MINUTES_MS),
      KEYS_FETCH_BURST_PER_IP: String(BURST_PER_IP),
      // Slow enough that no token comes back while a test runs.
      KEYS_FETCH_REFILL_MS_PER_IP: String(TEN_MINUTES_MS),
      KEYS_FETCH_BURST_NEW_ACCOUNT: String(BURST_NEW_ACCOUNT),
      KEYS_LOW_WATER_MARK: String(LOW_WATER_MARK),
    });
    service = await startKeys(config, infrastructure);
    client = createGrpcClient(grpcServices.keys, { url, serviceToken: infrastructure.serviceToken });
  });

  afterAll(async () => {
    await service.close();
    await infrastructure.release();
  });

  it('has exactly the columns its table types declare', async () => {
    expect(await tableColumnMismatches(infrastructure.db, DECLARED_COLUMNS)).toEqual([]);
  });

  it('hands each one-time prekey out once under 50 parallel fetches, then the last-resort Kyber key', async () => {
    const { account, request } = deviceUpload(40);
    expect((await upload(request)).count).toMatchObject({ ecPreKeys: 40, kyberPreKeys: 40 });

    const fetched = await Promise.all(Array.from({ length: 50 }, () => fetchBundles(account.accountId)));
    const devices = fetched.map((response) => response.bundles?.devices[0]);
    const ecIds = devices.flatMap((device) => (device?.oneTimePreKey ? [device.oneTimePreKey.keyId] : []));
    const kyberIds = devices.map((device) => device?.kyberPreKey?.keyId);
    expect(ecIds).toHaveLength(40);
    expect(new Set(ecIds).size).toBe(40);
    const oneTimeKyber = kyberIds.filter((id) => id !== request.lastResortKyberPreKey?.keyId);
    expect(new Set(oneTimeKyber).size).toBe(40);
    expect(kyberIds.filter((id) => id === request.lastResortKyberPreKey?.keyId)).toHaveLength(10);
    expect(Buffer.from(fetched[0]?.bundles?.identityKey?.publicKey ?? [])).toEqual(Buffer.from(request.identityKey?.publicKey ?? []));
    expect(await callGrpc(client.getPreKeyCount({ accountId: account.accountId, deviceId: 1 }), DEADLINE_MS)).toMatchObject({
      count: { ecPreKeys: 0, kyberPreKeys: 0 },
    });
  });

  it('tells the device when its stock runs low', async () => {
    const { account, request } = deviceUpload(LOW_WATER_MARK);
    await upload(request);
    const low = new Promise<events.KeysLow>((resolve) =>
      infrastructure.broker.subscribe(subjects.keysLow(account.accountId, 1), (message) => resolve(events.KeysLow.decode(message.data))),
    );
    await fetchBundles(account.accountId);
    expect(await low).toEqual({ ecPreKeys: LOW_WATER_MARK - 1, kyberPreKeys: LOW_WATER_MARK - 1 });
  });

  it('refuses an identity key the account did not sign, and prekeys the identity key did not sign', async () => {
    const { request } = deviceUpload(1);
    const stranger = accountKeyFromMnemonic(createMnemonic());
    const wrongAccount = upload({
      ...request,
      identityKey: {
        ...request.identityKey!,
        accountSignature: signIdentityKey(request.accountId, request.identityKey!.publicKey, stranger.privateKey),
      },
    });
    expect(await wrongAccount).toMatchObject({
      rejected: {
        reason: keys.UploadRejection.UPLOAD_REJECTION_BAD_SIGNATURE,
        message: expect.stringMatching(/identity_key.account_signature/),
      },
    });

    const forgedSignature = new Uint8Array(request.signedPreKey!.signature);
    forgedSignature[5]! ^= 1;
    const forged = upload({ ...request, signedPreKey: { ...request.signedPreKey!, signature: forgedSignature } });
    expect(await forged).toMatchObject({
      rejected: { reason: keys.UploadRejection.UPLOAD_REJECTION_BAD_SIGNATURE, message: expect.stringMatching(/signed_pre_key.signature/) },
    });

    const otherIdentity = generateCurveKeyPair();
    const foreignKyber = generateKyberPreKey(otherIdentity, 9, Date.now());
    const wrongSigner = upload({
      ...request,
      oneTimeKyberPreKeys: [{ keyId: 9, publicKey: foreignKyber.keyPair.publicKey, signature: foreignKyber.signature }],
    });
    expect(await wrongSigner).toMatchObject({
      rejected: {
        reason: keys.UploadRejection.UPLOAD_REJECTION_BAD_SIGNATURE,
        message: expect.stringMatching(/one_time_kyber_pre_keys\[0\]/),
      },
    });
  });

  it('keeps at most 100 one-time prekeys of each kind', async () => {
    const { request } = deviceUpload(60);
    await upload(request);
    const more = deviceUpload(60).request;
    const overStock = upload({
      ...more,
      accountId: request.accountId,
      identityKey: undefined,
      signedPreKey: undefined,
      lastResortKyberPreKey: undefined,
      oneTimeKyberPreKeys: [],
    });
    await expect(overStock).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, message: expect.stringMatching(/at most 100/) });
  });

  it('serves a valid bundle without a one-time EC prekey once the stock is gone', async () => {
    const { account, request } = deviceUpload(1);
    await upload(request);
    await fetchBundles(account.accountId);
    const { bundles } = await fetchBundles(account.accountId);
    const device = bundles?.devices[0];
    // Absent, as the types say: not null, which the gateway's frame encoder cannot take.
    expect(device?.oneTimePreKey).toBeUndefined();
    expect(device?.kyberPreKey?.keyId).toBe(request.lastResortKyberPreKey?.keyId);
    expect(device?.signedPreKey?.keyId).toBe(request.signedPreKey?.keyId);
  });

  it('budgets fetches per requesting device and target: a burst, then one per refill interval', async () => {
    const { account, request } = deviceUpload(0);
    await upload(request);
    const eager = { accountId: await establishedAccount(), deviceId: 3 };
    for (let fetch = 0; fetch < BURST_PER_TARGET; fetch += 1) expect((await fetchBundles(account.accountId, eager)).bundles).toBeDefined();
    const refused = await fetchBundles(account.accountId, eager);
    expect(refused.bundles).toBeUndefined();
    expect(refused.rateLimited?.limit).toBe('pre-key-fetch-target');
    expect(refused.rateLimited?.retryAfterMs).toBeGreaterThan(TEN_MINUTES_MS - 60_000);
    expect(refused.rateLimited?.retryAfterMs).toBeLessThanOrEqual(TEN_MINUTES_MS);
    // The budget is the requester's own: its other device, and everyone else, still fetch.
    expect((await fetchBundles(account.accountId, { ...eager, deviceId: 4 })).bundles).toBeDefined();
    expect((await fetchBundles(account.accountId)).bundles).toBeDefined();
  });

  it('budgets fetches per client IP, whichever accounts they come from', async () => {
    const { account, request } = deviceUpload(0);
    await upload(request);
    const outcomes = [];
    for (let fetch = 0; fetch <= BURST_PER_IP; fetch += 1)
      outcomes.push(await fetchBundles(account.accountId, { clientIp: '198.51.100.7' }));
    expect(outcomes.filter((outcome) => outcome.bundles !== undefined)).toHaveLength(BURST_PER_IP);
    expect(outcomes.at(-1)?.rateLimited?.limit).toBe('pre-key-fetch-ip');
    expect((await fetchBundles(account.accountId, { clientIp: '198.51.100.8' })).bundles).toBeDefined();
  });

  it('gives new accounts a smaller budget across all targets, so fresh accounts cannot drain anyone', async () => {
    const targets = await Promise.all(
      Array.from({ length: BURST_NEW_ACCOUNT + 1 }, async () => {
        const { account, request } = deviceUpload(1);
        await upload(request);
        return account.accountId;
      }),
    );
    const fresh = { accountId: newAccountId() };
    const outcomes = [];
    for (const target of targets) outcomes.push(await fetchBundles(target, fresh));
    expect(outcomes.filter((outcome) => outcome.bundles !== undefined)).toHaveLength(BURST_NEW_ACCOUNT);
    expect(outcomes.at(-1)?.rateLimited?.limit).toBe('pre-key-fetch-new-account');
    // An account that published its keys long ago is not held to it.
    const established = { accountId: await establishedAccount() };
    for (const target of targets) expect((await fetchBundles(target, established)).bundles).toBeDefined();
  });

  it('answers a first upload without its signed prekey with INVALID_ARGUMENT naming the fields', async () => {
    const { request } = deviceUpload(1);
    await expect(upload({ ...request, signedPreKey: undefined })).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringMatching(/signed_pre_key and last_resort_kyber_pre_key/),
    });
  });

  it('says when an account has published no keys', async () => {
    expect(await fetchBundles(accountKeyFromMnemonic(createMnemonic()).accountId)).toMatchObject({ noKeys: {} });
  });
});
