import { RedisCache } from '@coming/cache';
import { callGrpc } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic, signLogin } from '@coming/identity';
import { createTestInfrastructure, findFreePorts, type TestInfrastructure } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, type AuthUnderTest, DEADLINE_MS, someIp, startAuthUnderTest } from './auth-test-service';

const LOGINS_PER_IP = 3;

describe('auth without Redis', () => {
  let infrastructure: TestInfrastructure;
  let unreachable: RedisCache;
  let auth: AuthUnderTest;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('auth-no-redis');
    // Nothing listens on this port: every cache command fails, as with Redis down.
    unreachable = RedisCache.connect({ url: `redis://127.0.0.1:${await findFreePorts(1)}`, keyPrefix: 'nowhere:' });
    auth = await startAuthUnderTest({ ...infrastructure, cache: unreachable }, { AUTH_LOGINS_PER_IP_PER_MINUTE: String(LOGINS_PER_IP) });
  });

  afterAll(async () => {
    await auth.close();
    await unreachable.close();
    await infrastructure.release();
  });

  it('logs in, refreshes and refuses a replayed challenge', async () => {
    const mnemonic = createMnemonic();
    const key = accountKeyFromMnemonic(mnemonic);
    const clientIp = someIp();
    const challenge = await auth.challenge(clientIp);
    const signature = signLogin({ challenge, accountId: key.accountId, deviceId: 0, audience: AUDIENCE }, key.privateKey);
    const request = {
      accountId: key.accountId,
      deviceId: 0,
      challenge,
      signature,
      clientIp,
      audience: AUDIENCE,
      deviceCertificate: undefined,
    };

    const first = await callGrpc(auth.client.login(request), DEADLINE_MS);
    expect(first).toMatchObject({ loggedIn: { deviceId: 1, accountCreated: true } });
    expect(await callGrpc(auth.client.login(request), DEADLINE_MS)).toMatchObject({
      challengeRejected: { reason: expect.stringMatching(/already used/) },
    });
    const refreshToken = first.loggedIn?.tokens?.refreshToken ?? '';
    expect(await callGrpc(auth.client.refresh({ refreshToken, clientIp }), DEADLINE_MS)).toHaveProperty('tokens');
  });

  it('still enforces rate limits, in process', async () => {
    const clientIp = someIp();
    const outcomes = [];
    for (let attempt = 0; attempt <= LOGINS_PER_IP; attempt += 1) outcomes.push(await auth.login(createMnemonic(), 0, { clientIp }));
    expect(outcomes.slice(0, LOGINS_PER_IP).every((outcome) => outcome.loggedIn !== undefined)).toBe(true);
    expect(outcomes[LOGINS_PER_IP]).toMatchObject({ rateLimited: { limit: 'login-ip' } });
  });
});
