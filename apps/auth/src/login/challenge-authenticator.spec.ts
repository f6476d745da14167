import { generateSigningKey } from '@coming/access-token';
import { describe, expect, it } from 'vitest';
import { ChallengeAuthenticator } from './challenge-authenticator';

describe(ChallengeAuthenticator.name, () => {
  const authenticator = new ChallengeAuthenticator(generateSigningKey());
  const now = new Date('2026-12-01T00:00:00Z');
  const inAMinute = new Date(now.getTime() + 60_000);

  it('accepts its own challenge until it expires, and says when that is', () => {
    const challenge = authenticator.issue(inAMinute);
    expect(challenge).toHaveLength(32);
    expect(authenticator.check(challenge, now)).toEqual({ valid: true, expiresAt: inAMinute });
    expect(authenticator.check(challenge, inAMinute)).toEqual({ valid: false, reason: expect.stringMatching(/expired/) });
  });

  it('refuses a challenge whose expiry was pushed back', () => {
    const challenge = Buffer.from(authenticator.issue(inAMinute));
    challenge.writeUIntBE(inAMinute.getTime() + 3_600_000, 10, 6);
    expect(authenticator.check(challenge, now)).toEqual({ valid: false, reason: expect.stringMatching(/not issued by this deployment/) });
  });

  it("refuses another deployment's challenge", () => {
    const elsewhere = new ChallengeAuthenticator(generateSigningKey()).issue(inAMinute);
    expect(authenticator.check(elsewhere, now)).toMatchObject({ valid: false });
  });

  it('issues a different challenge every time', () => {
    expect(authenticator.issue(inAMinute)).not.toEqual(authenticator.issue(inAMinute));
  });
});
