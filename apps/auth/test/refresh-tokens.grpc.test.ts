import { subjects } from '@coming/broker';
import { callGrpc } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { events } from '@coming/proto';
import { createTestInfrastructure, type TestInfrastructure } from '@coming/testing';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpirySweeper } from '../src/expiry-sweeper';
import { TokensService } from '../src/tokens/tokens.service';
import { type AuthUnderTest, DEADLINE_MS, someIp, subscribeOnce, startAuthUnderTest } from './auth-test-service';

// AUTH_ACCESS_TOKEN_TTL_MS when unset.
const DEFAULT_ACCESS_TOKEN_TTL_MS = 15 * 60_000;

describe('refresh token families', () => {
  let infrastructure: TestInfrastructure;
  let auth: AuthUnderTest;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('auth-refresh');
    auth = await startAuthUnderTest(infrastructure);
  });

  afterAll(async () => {
    await auth.close();
    await infrastructure.release();
  });

  const refresh = (refreshToken: string) => callGrpc(auth.client.refresh({ refreshToken, clientIp: someIp() }), DEADLINE_MS);
  const refreshed = async (refreshToken: string) => {
    const response = await refresh(refreshToken);
    if (response.tokens === undefined) throw new Error(`refresh refused: ${JSON.stringify(response)}`);
    return response.tokens.refreshToken;
  };
  /** The next DeviceRevoked event for the device, subscribed before the caller acts. */
  const revocationOf = async (accountId: string, deviceId: number) => {
    const { next } = await subscribeOnce(infrastructure.broker, subjects.deviceRevoked(accountId, deviceId));
    return { event: next.then((data) => events.DeviceRevoked.decode(data)) };
  };
  /** A revocation for `reason`, stamped between `sinceMs` and now, that gateways keep for one access-token lifetime. */
  const expectRevocation = (event: events.DeviceRevoked, reason: string, sinceMs: number) => {
    expect(event).toEqual({
      reason,
      revokedAtMs: expect.any(Number),
      accessTokensValidUntilMs: event.revokedAtMs + DEFAULT_ACCESS_TOKEN_TTL_MS,
    });
    expect(event.revokedAtMs).toBeGreaterThanOrEqual(sinceMs);
    expect(event.revokedAtMs).toBeLessThanOrEqual(Date.now());
  };

  it('revokes the whole family when an exchanged token comes back, and has the device disconnected', async () => {
    const mnemonic = createMnemonic();
    const { accountId } = accountKeyFromMnemonic(mnemonic);
    const first = (await auth.loggedIn(mnemonic, 0)).tokens?.refreshToken ?? '';
    const other = (await auth.loggedIn(mnemonic, 0)).tokens?.refreshToken ?? '';
    const second = await refreshed(first);
    const third = await refreshed(second);

    const revoked = await revocationOf(accountId, 1);
    const beforeMs = Date.now();
    // A thief replays the token it copied before the owner used it.
    expect(await refresh(first)).toMatchObject({ refreshTokenRejected: { reason: expect.stringMatching(/already used/) } });
    expectRevocation(await revoked.event, 'refresh token reused', beforeMs);
    expect(await refresh(third)).toMatchObject({ refreshTokenRejected: { reason: expect.stringMatching(/unknown/) } });
    // Another device's login is another family, and keeps working.
    expect(await refresh(other)).toHaveProperty('tokens');
  });

  it('lets only one of two concurrent exchanges of a token through, and then revokes both', async () => {
    const token = (await auth.loggedIn(createMnemonic(), 0)).tokens?.refreshToken ?? '';
    const [one, two] = await Promise.all([refresh(token), refresh(token)]);
    const winner = one.tokens ?? two.tokens;
    expect([one, two].filter((response) => response.tokens !== undefined)).toHaveLength(1);
    expect(await refresh(winner?.refreshToken ?? '')).toHaveProperty('refreshTokenRejected');
  });

  it('revokes every token of a device on request and announces it', async () => {
    const mnemonic = createMnemonic();
    const { accountId } = accountKeyFromMnemonic(mnemonic);
    const first = (await auth.loggedIn(mnemonic, 0)).tokens?.refreshToken ?? '';
    const second = (await auth.loggedIn(mnemonic, 1)).tokens?.refreshToken ?? '';
    const revoked = await revocationOf(accountId, 1);
    const beforeMs = Date.now();
    await auth.service.app.get(TokensService).revokeDevice(accountId, 1, 'device removed');
    expectRevocation(await revoked.event, 'device removed', beforeMs);
    expect(await refresh(first)).toHaveProperty('refreshTokenRejected');
    expect(await refresh(second)).toHaveProperty('refreshTokenRejected');
  });

  it('sweeps expired refresh tokens and spent challenges, and nothing else', async () => {
    const mnemonic = createMnemonic();
    const { accountId } = accountKeyFromMnemonic(mnemonic);
    const live = (await auth.loggedIn(mnemonic, 0)).tokens?.refreshToken ?? '';
    const past = new Date(Date.now() - 1_000);
    await sql`insert into refresh_tokens (token_hash, account_id, device_id, expires_at) values (${randomBytes(32)}, ${accountId}, 1, ${past})`.execute(
      infrastructure.db,
    );
    await sql`insert into used_challenges (challenge_hash, expires_at) values (${randomBytes(32)}, ${past})`.execute(infrastructure.db);

    await auth.service.app.get(ExpirySweeper).sweep();
    const expired = await sql<{ count: string }>`
      select (select count(*) from refresh_tokens where expires_at <= now())
           + (select count(*) from used_challenges where expires_at <= now()) as count`.execute(infrastructure.db);
    expect(expired.rows[0]?.count).toBe('0');
    expect(await refresh(live)).toHaveProperty('tokens');
  });
});
