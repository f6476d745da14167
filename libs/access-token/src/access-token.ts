import { DomainError } from '@coming/errors';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';

const ISSUER = 'coming-auth';
const ALGORITHM = 'EdDSA';

/** Who a gateway is talking to, as vouched for by auth. */
export interface AccessClaims {
  accountId: string;
  deviceId: number;
}

/** The claims of a token that verified, with when it stops being valid. */
export interface VerifiedAccess extends AccessClaims {
  /**
   * When auth issued the token, in milliseconds since the Unix epoch (auth's clock); a
   * revocation of the device at or after this time refuses the token.
   */
  issuedAtMs: number;
  /** Milliseconds since the Unix epoch; a connection opened with the token must not outlive it. */
  expiresAtMs: number;
}

export enum AccessTokenErrorCode {
  Missing = 'MISSING',
  Malformed = 'MALFORMED',
  Expired = 'EXPIRED',
  Forged = 'FORGED',
}

export class AccessTokenError extends DomainError<AccessTokenErrorCode> {
  override readonly name = 'AccessTokenError';
}

export async function signAccessToken(
  { accountId, deviceId }: AccessClaims,
  { key, audience, issuedAt = new Date(), expiresAt }: { key: KeyObject; audience: string | string[]; issuedAt?: Date; expiresAt: Date },
): Promise<string> {
  return (
    new SignJWT({ dev: deviceId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setSubject(accountId)
      // To the millisecond (RFC 7519 allows a fractional NumericDate): a token issued in the
      // same second as its device's revocation, but after it, must not be refused with the ones before.
      .setIssuedAt(issuedAt.getTime() / 1000)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key)
  );
}

/**
 * Checks an access token locally with auth's public key; no call to auth. With a list of
 * audiences (a deployment's host names), the token must name at least one of them.
 */
export async function verifyAccessToken(token: string | undefined, key: KeyObject, audience: string | string[]): Promise<VerifiedAccess> {
  if (token === undefined || token === '') {
    throw new AccessTokenError(AccessTokenErrorCode.Missing, 'no access token: send "Authorization: Bearer <token>"');
  }
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience, algorithms: [ALGORITHM] });
    const deviceId = payload['dev'];
    if (typeof payload.sub !== 'string' || typeof deviceId !== 'number' || payload.iat === undefined || payload.exp === undefined) {
      throw new AccessTokenError(AccessTokenErrorCode.Malformed, 'access token lacks its account, device, issue time or expiry claim');
    }
    return { accountId: payload.sub, deviceId, issuedAtMs: Math.round(payload.iat * 1000), expiresAtMs: payload.exp * 1000 };
  } catch (error) {
    throw toAccessTokenError(error);
  }
}

function toAccessTokenError(error: unknown): AccessTokenError {
  if (error instanceof AccessTokenError) return error;
  if (error instanceof errors.JWTExpired) {
    return new AccessTokenError(AccessTokenErrorCode.Expired, 'access token expired: refresh it or log in again', { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AccessTokenError(AccessTokenErrorCode.Forged, 'access token signature does not verify', { cause: error });
  }
  return new AccessTokenError(AccessTokenErrorCode.Malformed, 'access token is malformed or not for this server', { cause: error });
}
