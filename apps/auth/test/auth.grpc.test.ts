import { generateSigningKey } from '@coming/access-token';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, GrpcStatus, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic, signLogin } from '@coming/identity';
import type { auth } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import {
  createTestInfrastructure,
  type DeclaredColumns,
  tableColumnMismatches,
  findFreePorts,
  type TestInfrastructure,
} from '@coming/testing';
import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth } from '../src/auth.app';
import { authConfigSchema } from '../src/auth.config';
import type { AuthDatabase } from '../src/auth.database';

// A deadline a loaded machine meets: it guards against a hang, not against slowness.
const DEADLINE_MS = 30_000;

// Every column the table types declare; the compiler keeps this in step with them.
const DECLARED_COLUMNS = {
  accounts: { account_id: true, created_at: true },
  devices: { account_id: true, device_id: true, created_at: true, last_login_at: true },
  refresh_tokens: { token_hash: true, account_id: true, device_id: true, expires_at: true },
} satisfies DeclaredColumns<AuthDatabase>;

describe('auth gRPC service', () => {
  let infrastructure: TestInfrastructure;
  let service: StartedService;
  let client: auth.AuthServiceClient;

  const login = async (mnemonic: string, deviceId: number) => {
    const key = accountKeyFromMnemonic(mnemonic);
    const { challenge } = await callGrpc(client.createChallenge({ clientIp: '127.0.0.1' }), DEADLINE_MS);
    const signature = signLogin({ challenge, accountId: key.accountId, deviceId, audience: 'coming' }, key.privateKey);
    return callGrpc(client.login({ accountId: key.accountId, deviceId, challenge, signature, clientIp: '127.0.0.1' }), DEADLINE_MS);
  };

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('auth');
    const url = `127.0.0.1:${await findFreePorts(1)}`;
    service = await startAuth(loadConfig(authConfigSchema, { AUTH_GRPC_URL: url, AUTH_SIGNING_KEY: generateSigningKey() }), infrastructure);
    client = createGrpcClient(grpcServices.auth, { url, serviceToken: infrastructure.serviceToken });
  });

  afterAll(async () => {
    await service.close();
    await infrastructure.release();
  });

  it('has exactly the columns its table types declare', async () => {
    expect(await tableColumnMismatches(infrastructure.db, DECLARED_COLUMNS)).toEqual([]);
  });

  it('creates the account at first login and assigns device IDs to new devices', async () => {
    const mnemonic = createMnemonic();
    const first = await login(mnemonic, 0);
    expect(first).toMatchObject({ deviceId: 1, accountCreated: true });
    expect(await login(mnemonic, 0)).toMatchObject({ deviceId: 2, accountCreated: false });
    expect(await login(mnemonic, 1)).toMatchObject({ deviceId: 1, accountCreated: false });
    expect(await login(mnemonic, 7)).toMatchObject({ deviceId: 7 });

    const accountId = accountKeyFromMnemonic(mnemonic).accountId;
    expect(await callGrpc(client.getDevices({ accountId }), DEADLINE_MS)).toMatchObject({ devices: { deviceIds: [1, 2, 7] } });
    const stranger = accountKeyFromMnemonic(createMnemonic()).accountId;
    expect(await callGrpc(client.getDevices({ accountId: stranger }), DEADLINE_MS)).toMatchObject({ accountNotFound: {} });
  });

  it('rotates refresh tokens: each works once', async () => {
    const { tokens } = await login(createMnemonic(), 0);
    const refreshed = await callGrpc(client.refresh({ refreshToken: tokens?.refreshToken ?? '', clientIp: '127.0.0.1' }), DEADLINE_MS);
    expect(refreshed.tokens?.accessToken).toMatch(/^ey/);
    expect(refreshed.tokens?.refreshToken).not.toBe(tokens?.refreshToken);
    const reused = callGrpc(client.refresh({ refreshToken: tokens?.refreshToken ?? '', clientIp: '127.0.0.1' }), DEADLINE_MS);
    await expect(reused).rejects.toMatchObject({ code: GrpcStatus.UNAUTHENTICATED, message: expect.stringMatching(/already used/) });
  });

  it('stores refresh tokens only as hashes', async () => {
    const { tokens } = await login(createMnemonic(), 0);
    const hash = createHash('sha256')
      .update(tokens?.refreshToken ?? '')
      .digest();
    const stored = await sql`select 1 from refresh_tokens where token_hash = ${hash}`.execute(infrastructure.db);
    const raw = await sql`select 1 from refresh_tokens where token_hash = ${Buffer.from(tokens?.refreshToken ?? '')}`.execute(
      infrastructure.db,
    );
    expect([stored.rows.length, raw.rows.length]).toEqual([1, 0]);
  });
});
