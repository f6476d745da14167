import { generateSigningKey } from '@coming/access-token';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, type GrpcCallError, GrpcStatus, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import type { auth } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, findFreePorts, type TestInfrastructure } from '@coming/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth } from '../src/auth.app';
import { authConfigSchema } from '../src/auth.config';

const DEADLINE_MS = 5_000;
// A well-formed account ID that never logged in: GetDevices answers it with account_not_found.
const ACCOUNT = accountKeyFromMnemonic(createMnemonic()).accountId;

/** Each service's own gRPC token, as the stack and the chart hand them out. */
const tokens = { gateway: randomBytes(32).toString('base64url'), mailbox: randomBytes(32).toString('base64url') };

describe('gRPC callers (ServiceTokenGuard with grpcCallerPolicy)', () => {
  let infrastructure: TestInfrastructure;
  let service: StartedService;
  let url: string;

  const client = (serviceToken: string) => createGrpcClient<auth.AuthServiceClient>(grpcServices.auth, { url, serviceToken });
  const statusOf = (call: Promise<unknown>) =>
    call.then(
      () => 'OK',
      (error: GrpcCallError) => `${GrpcStatus[error.code]}: ${error.message}`,
    );

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('grpc_callers');
    url = `127.0.0.1:${await findFreePorts(1)}`;
    // Auth knows the mailbox's token too, as it would if a mailbox were ever given a reason
    // to call it; the policy still grants the mailbox nothing.
    const served = { ...infrastructure, grpcCallers: tokens };
    service = await startAuth(loadConfig(authConfigSchema, { AUTH_GRPC_URL: url, AUTH_SIGNING_KEY: generateSigningKey() }), served);
  });

  afterAll(async () => {
    await service.close();
    await infrastructure.release();
  });

  it("answers the gateway's token on an RPC the gateway may call", async () => {
    expect(await statusOf(callGrpc(client(tokens.gateway).getDevices({ accountId: ACCOUNT }), DEADLINE_MS))).toBe('OK');
  });

  it("refuses the mailbox's own token on every auth RPC with PERMISSION_DENIED, naming caller and method", async () => {
    const mailbox = client(tokens.mailbox);
    expect(await statusOf(callGrpc(mailbox.getDevices({ accountId: ACCOUNT }), DEADLINE_MS))).toBe(
      'PERMISSION_DENIED: mailbox may not call AuthService.getDevices',
    );
    expect(await statusOf(callGrpc(mailbox.createChallenge({ clientIp: '127.0.0.1' }), DEADLINE_MS))).toBe(
      'PERMISSION_DENIED: mailbox may not call AuthService.createChallenge',
    );
    // Device management is the account's own, through the gateway only.
    expect(await statusOf(callGrpc(mailbox.listDevices({ accountId: ACCOUNT }), DEADLINE_MS))).toBe(
      'PERMISSION_DENIED: mailbox may not call AuthService.listDevices',
    );
    const removal = { accountId: ACCOUNT, deviceId: 1, timestampMs: 0, nonce: new Uint8Array(16), signature: new Uint8Array(64) };
    expect(await statusOf(callGrpc(mailbox.removeDevice(removal), DEADLINE_MS))).toBe(
      'PERMISSION_DENIED: mailbox may not call AuthService.removeDevice',
    );
    expect(
      await statusOf(callGrpc(mailbox.setDeviceName({ accountId: ACCOUNT, deviceId: 1, encryptedName: new Uint8Array(1) }), DEADLINE_MS)),
    ).toBe('PERMISSION_DENIED: mailbox may not call AuthService.setDeviceName');
  });

  it('refuses a token of no known caller, and a call without one, with UNAUTHENTICATED', async () => {
    const unknown = client(randomBytes(32).toString('base64url'));
    expect(await statusOf(callGrpc(unknown.getDevices({ accountId: ACCOUNT }), DEADLINE_MS))).toMatch(/^UNAUTHENTICATED: /);
    expect(await statusOf(callGrpc(client('').getDevices({ accountId: ACCOUNT }), DEADLINE_MS))).toMatch(/^UNAUTHENTICATED: /);
  });
});

/** A CA and one certificate it signed for 127.0.0.1, made with the openssl command line. */
function testCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=coming-test-ca', '-days', '1');
  openssl('req', ...key, '-keyout', 'service.key', '-out', 'service.csr', '-subj', '/CN=coming-service');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'service.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'service.pem',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  );
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'service.pem'), keyFile: join(dir, 'service.key') };
}

describe('gRPC with mutual TLS (GRPC_TLS_CA, GRPC_TLS_CERT, GRPC_TLS_KEY)', () => {
  let infrastructure: TestInfrastructure;
  let service: StartedService;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'coming-grpc-tls-'));
  const tls = testCertificates(dir);

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('grpc_tls');
    url = `127.0.0.1:${await findFreePorts(1)}`;
    const served = { ...infrastructure, grpcTls: tls };
    service = await startAuth(loadConfig(authConfigSchema, { AUTH_GRPC_URL: url, AUTH_SIGNING_KEY: generateSigningKey() }), served);
  });

  afterAll(async () => {
    await service.close();
    await infrastructure.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a client that presents a certificate from the same CA, and refuses a plaintext one', async () => {
    const serviceToken = infrastructure.serviceToken;
    const secured = createGrpcClient<auth.AuthServiceClient>(grpcServices.auth, { url, serviceToken, tls });
    await expect(callGrpc(secured.getDevices({ accountId: ACCOUNT }), DEADLINE_MS)).resolves.toBeDefined();
    const plaintext = createGrpcClient<auth.AuthServiceClient>(grpcServices.auth, { url, serviceToken });
    await expect(callGrpc(plaintext.getDevices({ accountId: ACCOUNT }), DEADLINE_MS)).rejects.toMatchObject({
      code: GrpcStatus.UNAVAILABLE,
    });
  });
});
