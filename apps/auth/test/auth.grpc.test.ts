import { callGrpc, GrpcStatus } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic, signLogin } from '@coming/identity';
import { auth } from '@coming/proto';
import { createTestInfrastructure, type DeclaredColumns, tableColumnMismatches, type TestInfrastructure } from '@coming/testing';
import { sql } from 'kysely';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthDatabase } from '../src/auth.database';
import { AUDIENCE, type AuthUnderTest, DEADLINE_MS, someIp, startAuthUnderTest } from './auth-test-service';

const LOGINS_PER_IP = 5;
const LOGINS_PER_ACCOUNT = 3;

// Every column the table types declare; the compiler keeps this in step with them.
const DECLARED_COLUMNS = {
  accounts: { account_id: true, created_at: true },
  devices: {
    account_id: true,
    device_id: true,
    created_at: true,
    last_login_at: true,
    ready_at: true,
    device_public_key: true,
    encrypted_name: true,
    last_seen_at: true,
  },
  removed_devices: {
    account_id: true,
    device_id: true,
    removed_at: true,
    reason: true,
    device_public_key: true,
    mailbox_purged_at: true,
    keys_purged_at: true,
  },
  refresh_tokens: { token_hash: true, account_id: true, device_id: true, expires_at: true, family_id: true, used_at: true },
  used_challenges: { challenge_hash: true, expires_at: true },
} satisfies DeclaredColumns<AuthDatabase>;

const freshIp = someIp;

describe('auth gRPC service', () => {
  let infrastructure: TestInfrastructure;
  let auth_: AuthUnderTest;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('auth');
    auth_ = await startAuthUnderTest(infrastructure, {
      AUTH_AUDIENCE: `${AUDIENCE},localhost`,
      AUTH_LOGINS_PER_IP_PER_MINUTE: String(LOGINS_PER_IP),
      AUTH_LOGINS_PER_ACCOUNT_PER_MINUTE: String(LOGINS_PER_ACCOUNT),
    });
  });

  afterAll(async () => {
    await auth_.close();
    await infrastructure.release();
  });

  const markReady = (accountId: string, deviceId: number) => callGrpc(auth_.client.markDeviceReady({ accountId, deviceId }), DEADLINE_MS);

  it('has exactly the columns its table types declare', async () => {
    expect(await tableColumnMismatches(infrastructure.db, DECLARED_COLUMNS)).toEqual([]);
  });

  it('creates the account at first login and assigns device IDs to new devices', async () => {
    const mnemonic = createMnemonic();
    expect(await auth_.loggedIn(mnemonic, 0)).toMatchObject({ deviceId: 1, accountCreated: true });
    expect(await auth_.loggedIn(mnemonic, 0)).toMatchObject({ deviceId: 2, accountCreated: false });
    expect(await auth_.loggedIn(mnemonic, 7)).toMatchObject({ deviceId: 7 });

    const accountId = accountKeyFromMnemonic(mnemonic).accountId;
    for (const deviceId of [1, 2, 7]) await markReady(accountId, deviceId);
    expect(await callGrpc(auth_.client.getDevices({ accountId }), DEADLINE_MS)).toMatchObject({ devices: { deviceIds: [1, 2, 7] } });
    const stranger = accountKeyFromMnemonic(createMnemonic()).accountId;
    expect(await callGrpc(auth_.client.getDevices({ accountId: stranger }), DEADLINE_MS)).toMatchObject({ accountNotFound: {} });
  });

  it('rotates refresh tokens: each works once', async () => {
    const { tokens } = await auth_.loggedIn(createMnemonic(), 0);
    const refresh = () => callGrpc(auth_.client.refresh({ refreshToken: tokens?.refreshToken ?? '', clientIp: freshIp() }), DEADLINE_MS);
    const refreshed = await refresh();
    expect(refreshed.tokens?.accessToken).toMatch(/^ey/);
    expect(refreshed.tokens?.refreshToken).not.toBe(tokens?.refreshToken);
    expect(await refresh()).toMatchObject({ refreshTokenRejected: { reason: expect.stringMatching(/already used/) } });
  });

  it('stores refresh tokens only as hashes', async () => {
    const { tokens } = await auth_.loggedIn(createMnemonic(), 0);
    const hash = createHash('sha256')
      .update(tokens?.refreshToken ?? '')
      .digest();
    const stored = await sql`select 1 from refresh_tokens where token_hash = ${hash}`.execute(infrastructure.db);
    const raw = await sql`select 1 from refresh_tokens where token_hash = ${Buffer.from(tokens?.refreshToken ?? '')}`.execute(
      infrastructure.db,
    );
    expect([stored.rows.length, raw.rows.length]).toEqual([1, 0]);
  });

  describe('expected refusals come back as outcomes, not statuses', () => {
    const signedRequest = async (mnemonic: string, clientIp: string, challenge?: Uint8Array) => {
      const key = accountKeyFromMnemonic(mnemonic);
      const bytes = challenge ?? (await auth_.challenge(clientIp));
      const signature = signLogin({ challenge: bytes, accountId: key.accountId, deviceId: 0, audience: AUDIENCE }, key.privateKey);
      return {
        accountId: key.accountId,
        deviceId: 0,
        challenge: bytes,
        signature,
        clientIp,
        audience: AUDIENCE,
        deviceCertificate: undefined,
      };
    };
    const login = (request: auth.LoginRequest) => callGrpc(auth_.client.login(request), DEADLINE_MS);

    it('refuses a replayed challenge', async () => {
      const request = await signedRequest(createMnemonic(), freshIp());
      expect(await login(request)).toHaveProperty('loggedIn');
      expect(await login(request)).toMatchObject({ challengeRejected: { reason: expect.stringMatching(/already used/) } });
    });

    it('refuses a challenge it did not issue', async () => {
      const request = await signedRequest(createMnemonic(), freshIp(), randomBytes(32));
      expect(await login(request)).toMatchObject({ challengeRejected: { reason: expect.stringMatching(/not issued by this deployment/) } });
    });

    it('refuses a bad signature', async () => {
      const request = await signedRequest(createMnemonic(), freshIp());
      expect(await login({ ...request, accountId: accountKeyFromMnemonic(createMnemonic()).accountId })).toMatchObject({
        badSignature: {},
      });
    });

    it('says which limit was hit and when to retry', async () => {
      const clientIp = freshIp();
      const outcomes = [];
      for (let attempt = 0; attempt <= LOGINS_PER_IP; attempt += 1) {
        outcomes.push(await login({ ...(await signedRequest(createMnemonic(), clientIp)), signature: new Uint8Array(64) }));
      }
      expect(outcomes.slice(0, LOGINS_PER_IP).map((outcome) => outcome.badSignature)).toEqual(Array(LOGINS_PER_IP).fill({}));
      expect(outcomes[LOGINS_PER_IP]).toMatchObject({ rateLimited: { limit: 'login-ip', retryAfterMs: expect.any(Number) } });
      expect(outcomes[LOGINS_PER_IP]?.rateLimited?.retryAfterMs).toBeGreaterThan(0);
    });

    it('refuses an unknown refresh token', async () => {
      const response = await callGrpc(auth_.client.refresh({ refreshToken: 'not-a-token', clientIp: freshIp() }), DEADLINE_MS);
      expect(response).toMatchObject({ refreshTokenRejected: { reason: expect.stringMatching(/unknown/) } });
    });

    it('refuses a device beyond the cap, while the account keeps its devices', async () => {
      const mnemonic = createMnemonic();
      const { accountId } = accountKeyFromMnemonic(mnemonic);
      await auth_.loggedIn(mnemonic, 1);
      await sql`insert into devices (account_id, device_id, ready_at) select ${accountId}, id, now() from generate_series(2, 16) id`.execute(
        infrastructure.db,
      );
      expect(await auth_.login(mnemonic, 0)).toMatchObject({ tooManyDevices: { maxDevices: 16 } });
      expect(await auth_.login(mnemonic, 16)).toHaveProperty('loggedIn');
    });
  });

  describe('login lockout', () => {
    it("does not let a stranger's failed logins lock the owner out", async () => {
      const alice = createMnemonic();
      const { accountId } = accountKeyFromMnemonic(alice);
      // From many addresses, as a botnet would, so that no per-IP limit stops the attack first.
      for (let attempt = 0; attempt < LOGINS_PER_ACCOUNT * 2; attempt += 1) {
        const attackerIp = freshIp();
        const challenge = await auth_.challenge(attackerIp);
        const forged = {
          accountId,
          deviceId: 0,
          challenge,
          signature: randomBytes(64),
          clientIp: attackerIp,
          audience: AUDIENCE,
          deviceCertificate: undefined,
        };
        expect(await callGrpc(auth_.client.login(forged), DEADLINE_MS)).toMatchObject({ badSignature: {} });
      }
      expect(await auth_.login(alice, 0, { clientIp: freshIp() })).toHaveProperty('loggedIn');
    });

    it("still limits the owner's own valid logins", async () => {
      const mnemonic = createMnemonic();
      const outcomes = [];
      for (let attempt = 0; attempt <= LOGINS_PER_ACCOUNT; attempt += 1)
        outcomes.push(await auth_.login(mnemonic, 0, { clientIp: freshIp() }));
      expect(outcomes.slice(0, LOGINS_PER_ACCOUNT).every((outcome) => outcome.loggedIn !== undefined)).toBe(true);
      expect(outcomes[LOGINS_PER_ACCOUNT]).toMatchObject({ rateLimited: { limit: 'login-account', retryAfterMs: expect.any(Number) } });
    });
  });

  describe('audience', () => {
    it('refuses a signature made for another deployment, whatever audience the relay claims', async () => {
      const mnemonic = createMnemonic();
      const key = accountKeyFromMnemonic(mnemonic);
      const clientIp = freshIp();
      // The user meant to reach evil.example, which relays this deployment's challenge.
      const challenge = await auth_.challenge(clientIp);
      const signature = signLogin({ challenge, accountId: key.accountId, deviceId: 0, audience: 'evil.example' }, key.privateKey);
      const relayed = { accountId: key.accountId, deviceId: 0, challenge, signature, clientIp, deviceCertificate: undefined };
      expect(await callGrpc(auth_.client.login({ ...relayed, audience: AUDIENCE }), DEADLINE_MS)).toMatchObject({ badSignature: {} });
      await expect(callGrpc(auth_.client.login({ ...relayed, audience: 'evil.example' }), DEADLINE_MS)).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        message: expect.stringMatching(/audience "evil.example" is not this deployment's; it answers to 127.0.0.1, localhost/),
      });
    });

    it('accepts any of its own audiences', async () => {
      expect(await auth_.login(createMnemonic(), 0, { clientIp: freshIp(), audience: 'localhost' })).toHaveProperty('loggedIn');
    });
  });

  describe('account IDs', () => {
    it('takes an upper-case account ID as the same account and refuses mixed case', async () => {
      const mnemonic = createMnemonic();
      const key = accountKeyFromMnemonic(mnemonic);
      await auth_.loggedIn(mnemonic, 1);
      const clientIp = freshIp();
      const challenge = await auth_.challenge(clientIp);
      const signature = signLogin({ challenge, accountId: key.accountId, deviceId: 0, audience: AUDIENCE }, key.privateKey);
      const upper = {
        accountId: key.accountId.toUpperCase(),
        deviceId: 0,
        challenge,
        signature,
        clientIp,
        audience: AUDIENCE,
        deviceCertificate: undefined,
      };
      expect(await callGrpc(auth_.client.login(upper), DEADLINE_MS)).toMatchObject({ loggedIn: { deviceId: 2, accountCreated: false } });

      const mixed = key.accountId.slice(0, 8).toUpperCase() + key.accountId.slice(8);
      await expect(callGrpc(auth_.client.login({ ...upper, accountId: mixed }), DEADLINE_MS)).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        message: expect.stringMatching(/account_id: account ID mixes upper and lower case/),
      });
      await markReady(key.accountId.toUpperCase(), 1);
      expect(await callGrpc(auth_.client.getDevices({ accountId: key.accountId.toUpperCase() }), DEADLINE_MS)).toMatchObject({
        devices: { deviceIds: [1] },
      });
    });
  });

  describe('missing fields', () => {
    // What a caller that set nothing sends: every field at its proto3 default.
    it.each([
      ['CreateChallenge', () => auth_.client.createChallenge(auth.CreateChallengeRequest.fromJSON({})), /client_ip is required/],
      ['Login', () => auth_.client.login(auth.LoginRequest.fromJSON({})), /account_id is required/],
      ['Refresh', () => auth_.client.refresh(auth.RefreshRequest.fromJSON({})), /refresh_token is required/],
      ['GetDevices', () => auth_.client.getDevices(auth.GetDevicesRequest.fromJSON({})), /account_id is required/],
      ['MarkDeviceReady', () => auth_.client.markDeviceReady(auth.MarkDeviceReadyRequest.fromJSON({})), /account_id is required/],
    ])('answers an empty %s with INVALID_ARGUMENT naming the field', async (_name, call, message) => {
      await expect(callGrpc<unknown>(call(), DEADLINE_MS)).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        message: expect.stringMatching(message),
      });
    });

    it.each([
      ['challenge', { challenge: new Uint8Array(0) }, /challenge must be 32 bytes, got 0/],
      ['signature', { signature: new Uint8Array(0) }, /signature must be 64 bytes, got 0/],
      ['client_ip', { clientIp: '' }, /client_ip is required/],
      ['audience', { audience: '' }, /audience is required/],
      ['device_id', { deviceId: 128 }, /device_id must be 0 \(new device\) or 1 to 127, got 128/],
    ])('names a missing or bad %s of Login', async (_name, change, message) => {
      const key = accountKeyFromMnemonic(createMnemonic());
      const request = {
        accountId: key.accountId,
        deviceId: 0,
        challenge: new Uint8Array(32),
        signature: new Uint8Array(64),
        clientIp: freshIp(),
        audience: AUDIENCE,
        deviceCertificate: undefined,
        ...change,
      };
      await expect(callGrpc(auth_.client.login(request), DEADLINE_MS)).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        message: expect.stringMatching(message),
      });
    });

    it('names the client_ip of Refresh and the device_id of MarkDeviceReady', async () => {
      const { accountId } = accountKeyFromMnemonic(createMnemonic());
      await expect(callGrpc(auth_.client.refresh({ refreshToken: 'x', clientIp: '' }), DEADLINE_MS)).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        message: expect.stringMatching(/client_ip is required/),
      });
      await expect(markReady(accountId, 0)).rejects.toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        message: expect.stringMatching(/device_id must be 1 to 127, got 0/),
      });
    });
  });
});
