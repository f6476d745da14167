import type { VerifiedAccess } from '@coming/access-token';
import { createLogger } from '@coming/logging';
import type { Clock } from '@coming/runtime';
import { describe, expect, it } from 'vitest';
import { RevokedDevices } from './revoked-devices';

const MINUTE = 60_000;
const device = { accountId: 'coming1alice', deviceId: 2 };

/** A token of `device` issued at `issuedAtMs`, as the authenticator sees it once verified. */
const tokenOf = (issuedAtMs: number, of = device): VerifiedAccess => ({ ...of, issuedAtMs, expiresAtMs: issuedAtMs + 15 * MINUTE });

/** A RevokedDevices on a clock the test moves, and the lines it logs. */
function revokedDevices(max = 100) {
  const time = { nowMs: 1_000_000 };
  const clock = { now: () => new Date(time.nowMs) } satisfies Clock;
  const logged: string[] = [];
  const logger = createLogger({ service: 'spec', destination: { write: (line: string) => logged.push(line) } });
  return { revoked: new RevokedDevices({ GATEWAY_MAX_REVOKED_DEVICES: max }, clock, logger), time, logged };
}

describe(RevokedDevices.name, () => {
  it('refuses tokens issued at or before the revocation, and not those issued after it (a device that got the ID later)', () => {
    const { revoked, time } = revokedDevices();
    const revokedAtMs = time.nowMs;
    revoked.revoke(device, { revokedAtMs, untilMs: revokedAtMs + 15 * MINUTE });

    expect(revoked.revokedSince(tokenOf(revokedAtMs - 10 * MINUTE))).toBe(revokedAtMs);
    expect(revoked.revokedSince(tokenOf(revokedAtMs))).toBe(revokedAtMs);
    expect(revoked.revokedSince(tokenOf(revokedAtMs + 1))).toBeUndefined();
    expect(revoked.revokedSince(tokenOf(revokedAtMs - MINUTE, { ...device, deviceId: 3 }))).toBeUndefined();
    expect(revoked.revokedSince(tokenOf(revokedAtMs - MINUTE, { ...device, accountId: 'coming1bob' }))).toBeUndefined();
  });

  it('forgets a revocation once every token it refuses has expired, and ignores one that is over already', () => {
    const { revoked, time } = revokedDevices();
    const revokedAtMs = time.nowMs;
    revoked.revoke(device, { revokedAtMs, untilMs: revokedAtMs + 15 * MINUTE });
    time.nowMs = revokedAtMs + 15 * MINUTE - 1;
    expect(revoked.revokedSince(tokenOf(revokedAtMs - 1))).toBe(revokedAtMs);
    time.nowMs = revokedAtMs + 15 * MINUTE + 1;
    expect(revoked.revokedSince(tokenOf(revokedAtMs - 1))).toBeUndefined();

    revoked.revoke(device, { revokedAtMs: time.nowMs - 20 * MINUTE, untilMs: time.nowMs - 5 * MINUTE });
    expect(revoked.revokedSince(tokenOf(time.nowMs - 30 * MINUTE))).toBeUndefined();
  });

  it('keeps the later of two revocations of a device, and the later end', () => {
    const { revoked, time } = revokedDevices();
    const first = time.nowMs;
    revoked.revoke(device, { revokedAtMs: first + MINUTE, untilMs: first + 16 * MINUTE });
    // A late, older announcement (another auth replica's) neither moves the time back nor shortens the memory.
    revoked.revoke(device, { revokedAtMs: first, untilMs: first + 15 * MINUTE });
    expect(revoked.revokedSince(tokenOf(first + 30_000))).toBe(first + MINUTE);
    time.nowMs = first + 15 * MINUTE + 1;
    expect(revoked.revokedSince(tokenOf(first + 30_000))).toBe(first + MINUTE);
  });

  it('holds at most its bound, forgetting the least recently used revocation and saying so', () => {
    const { revoked, time, logged } = revokedDevices(2);
    const revoke = (deviceId: number) => revoked.revoke({ ...device, deviceId }, { revokedAtMs: time.nowMs, untilMs: time.nowMs + MINUTE });
    const refused = (deviceId: number) => revoked.revokedSince(tokenOf(time.nowMs - 1, { ...device, deviceId })) !== undefined;
    revoke(1);
    revoke(2);
    expect(logged).toEqual([]);
    revoke(3);

    expect([1, 2, 3].map(refused)).toEqual([false, true, true]);
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0] ?? '{}')).toMatchObject({ level: 40, device: 'coming1alice.1', msg: expect.stringMatching(/full/) });
  });
});
