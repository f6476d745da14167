import { subjects } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, GrpcStatus, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic, signIdentityKey } from '@coming/identity';
import { events, type keys } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { generateCurveKeyPair, generateKyberPreKey, generatePreKey, generateSignedPreKey } from '@coming/signal';
import {
  createTestInfrastructure,
  type DeclaredColumns,
  findFreePorts,
  tableColumnMismatches,
  type TestInfrastructure,
} from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeys } from '../src/keys.app';
import { keysConfigSchema } from '../src/keys.config';
import type { KeysDatabase } from '../src/keys.database';

// A deadline a loaded machine meets: it guards against a hang, not against slowness.
const DEADLINE_MS = 30_000;
const FETCHES_PER_TARGET = 70;
const LOW_WATER_MARK = 5;

// Every column the table types declare; the compiler keeps this in step with them.
const DECLARED_COLUMNS = {
  identity_keys: { account_id: true, public_key: true, account_signature: true, updated_at: true },
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

describe('keys gRPC service', () => {
  let infrastructure: TestInfrastructure;
  let service: StartedService;
  let client: keys.KeysServiceClient;

  const upload = (request: keys.UploadKeysRequest) => callGrpc(client.uploadKeys(request), DEADLINE_MS);
  const fetchBundles = (accountId: string, requesterAccountId = 'coming1requester') =>
    callGrpc(client.getPreKeyBundles({ requesterAccountId, accountId }), DEADLINE_MS);

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('keys');
    const url = `127.0.0.1:${await findFreePorts(1)}`;
    const config = loadConfig(keysConfigSchema, {
      KEYS_GRPC_URL: url,
      KEYS_FETCHES_PER_TARGET_PER_MINUTE: String(FETCHES_PER_TARGET),
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
    await expect(wrongAccount).rejects.toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
      message: expect.stringMatching(/identity_key.account_signature/),
    });

    const forgedSignature = new Uint8Array(request.signedPreKey!.signature);
    forgedSignature[5]! ^= 1;
    const forged = upload({ ...request, signedPreKey: { ...request.signedPreKey!, signature: forgedSignature } });
    await expect(forged).rejects.toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
      message: expect.stringMatching(/signed_pre_key.signature/),
    });

    const otherIdentity = generateCurveKeyPair();
    const foreignKyber = generateKyberPreKey(otherIdentity, 9, Date.now());
    const wrongSigner = upload({
      ...request,
      oneTimeKyberPreKeys: [{ keyId: 9, publicKey: foreignKyber.keyPair.publicKey, signature: foreignKyber.signature }],
    });
    await expect(wrongSigner).rejects.toMatchObject({
      code: GrpcStatus.PERMISSION_DENIED,
      message: expect.stringMatching(/one_time_kyber_pre_keys\[0\]/),
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

  it('rate-limits fetches per requester and target', async () => {
    const { account, request } = deviceUpload(0);
    await upload(request);
    const statuses: GrpcStatus[] = [];
    for (let attempt = 0; attempt <= FETCHES_PER_TARGET; attempt += 1) {
      statuses.push(
        await fetchBundles(account.accountId, 'coming1eager').then(
          () => GrpcStatus.OK,
          (error: { code: GrpcStatus }) => error.code,
        ),
      );
    }
    expect(statuses.filter((status) => status === GrpcStatus.OK)).toHaveLength(FETCHES_PER_TARGET);
    expect(statuses.at(-1)).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect((await fetchBundles(account.accountId, 'coming1patient')).bundles?.devices).toHaveLength(1);
  });

  it('says when an account has published no keys', async () => {
    expect(await fetchBundles(accountKeyFromMnemonic(createMnemonic()).accountId)).toMatchObject({ noKeys: {} });
  });
});
