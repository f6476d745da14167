import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokenErrorCode, signAccessToken, verifyAccessToken } from './access-token';
import { generateSigningKey, importPublicKey, importSigningKey, publicKeyOf } from './signing-key';

describe('access tokens', () => {
  const signingKey = generateSigningKey();
  const key = importSigningKey(signingKey);
  const publicKey = importPublicKey(publicKeyOf(signingKey));
  const claims = { accountId: 'coming1example', deviceId: 3 };
  const inAMinute = () => new Date(Date.now() + 60_000);

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: { code: string }) => error.code,
    );

  it('round-trips the account, the device, the issue time to the millisecond and the expiry to the second', async () => {
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 987);
    const expiresAt = inAMinute();
    const token = await signAccessToken(claims, { key, audience: 'coming', issuedAt, expiresAt });
    await expect(verifyAccessToken(token, publicKey, 'coming')).resolves.toEqual({
      ...claims,
      issuedAtMs: issuedAt.getTime(),
      expiresAtMs: Math.floor(expiresAt.getTime() / 1000) * 1000,
    });
  });

  it('accepts a token that names one of the deployment audiences, and no other', async () => {
    const token = await signAccessToken(claims, { key, audience: ['chat.example.com', 'localhost'], expiresAt: inAMinute() });
    await expect(verifyAccessToken(token, publicKey, ['localhost', '127.0.0.1'])).resolves.toMatchObject(claims);
    expect(await codeOf(verifyAccessToken(token, publicKey, ['other.example.com']))).toBe(AccessTokenErrorCode.Malformed);
  });

  it('tells expired, forged, malformed and missing tokens apart', async () => {
    const expired = await signAccessToken(claims, { key, audience: 'coming', expiresAt: new Date(Date.now() - 1000) });
    const otherKey = importSigningKey(generateSigningKey());
    const forged = await signAccessToken(claims, { key: otherKey, audience: 'coming', expiresAt: inAMinute() });
    const elsewhere = await signAccessToken(claims, { key, audience: 'other', expiresAt: inAMinute() });
    expect(await codeOf(verifyAccessToken(expired, publicKey, 'coming'))).toBe(AccessTokenErrorCode.Expired);
    expect(await codeOf(verifyAccessToken(forged, publicKey, 'coming'))).toBe(AccessTokenErrorCode.Forged);
    expect(await codeOf(verifyAccessToken(elsewhere, publicKey, 'coming'))).toBe(AccessTokenErrorCode.Malformed);
    expect(await codeOf(verifyAccessToken('not.a.token', publicKey, 'coming'))).toBe(AccessTokenErrorCode.Malformed);
    expect(await codeOf(verifyAccessToken(undefined, publicKey, 'coming'))).toBe(AccessTokenErrorCode.Missing);
  });

  it('refuses a token without an issue time, which no revocation could be compared with', async () => {
    const undated = await new SignJWT({ dev: claims.deviceId })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer('coming-auth')
      .setAudience('coming')
      .setSubject(claims.accountId)
      .setExpirationTime(inAMinute())
      .sign(key);
    await expect(verifyAccessToken(undated, publicKey, 'coming')).rejects.toMatchObject({
      code: AccessTokenErrorCode.Malformed,
      message: expect.stringMatching(/issue time/),
    });
  });
});
