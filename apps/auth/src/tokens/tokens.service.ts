import { importSigningKey, signAccessToken } from '@coming/access-token';
import { InjectLogger, type Logger } from '@coming/logging';
import type { auth } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AccountEventsRepository } from '../accounts/account-events.repository';
import { type AuthConfig, InjectAuthConfig } from '../auth.config';
import { RefreshTokensRepository, type TokenOwner } from './refresh-tokens.repository';

export const REUSE_REASON = 'refresh token reused';

export function hashRefreshToken(token: string): Uint8Array {
  return createHash('sha256').update(token).digest();
}

export type Refreshed = { tokens: auth.TokenPair; owner: TokenOwner } | { rejected: string };

/**
 * Issues access tokens (verified by gateways on their own) and single-use refresh tokens.
 * Refresh tokens rotate within a family that starts at login; an exchanged token that
 * comes back means two parties hold the family, so all of it is revoked (OAuth 2.1 §4.3.1).
 */
@Injectable()
export class TokensService {
  private readonly signingKey;

  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly events: AccountEventsRepository,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.signingKey = importSigningKey(config.AUTH_SIGNING_KEY);
  }

  /** A token pair starting a new family, for a login. */
  async issue(accountId: string, deviceId: number): Promise<auth.TokenPair> {
    const refresh = this.newRefreshToken();
    await this.refreshTokens.insert(accountId, deviceId, refresh.hash, refresh.expiresAt);
    return this.pair(accountId, deviceId, refresh);
  }

  /** Exchanges a refresh token once; a reused one revokes its family and closes the device's sockets. */
  async refresh(refreshToken: string): Promise<Refreshed> {
    const next = this.newRefreshToken();
    const rotation = await this.refreshTokens.rotate(
      hashRefreshToken(refreshToken),
      { tokenHash: next.hash, expiresAt: next.expiresAt },
      this.clock.now(),
    );
    if ('rotated' in rotation) {
      const owner = rotation.rotated;
      return { tokens: await this.pair(owner.accountId, owner.deviceId, next), owner };
    }
    if ('rejected' in rotation) return { rejected: `refresh token ${rotation.rejected}: log in again` };
    const { accountId, deviceId, familyId } = rotation.reused;
    await this.refreshTokens.revokeFamily(familyId);
    await this.announceRevoked(accountId, deviceId, REUSE_REASON);
    return { rejected: 'refresh token already used: every token of this login is revoked; log in again' };
  }

  /** Revokes every refresh token of a device and has its sockets closed; for device removal. */
  async revokeDevice(accountId: string, deviceId: number, reason: string): Promise<void> {
    await this.refreshTokens.revokeDevice(accountId, deviceId);
    await this.announceRevoked(accountId, deviceId, reason);
  }

  private async announceRevoked(accountId: string, deviceId: number, reason: string): Promise<void> {
    // Stamped after the revocation committed, on the clock that stamps access tokens: every
    // token of the device issued until now is refused by the gateways, and a later one is not.
    const revokedAtMs = this.clock.now().getTime();
    const accessTokensValidUntilMs = revokedAtMs + this.config.AUTH_ACCESS_TOKEN_TTL_MS;
    // A lost announcement leaves sockets open, and older access tokens usable, only until those tokens expire.
    await this.events
      .publishDeviceRevoked(accountId, deviceId, { reason, revokedAtMs, accessTokensValidUntilMs })
      .catch((error: unknown) => this.logger.warn({ err: error, accountId, deviceId }, 'could not announce a device revocation'));
  }

  private newRefreshToken() {
    const token = randomBytes(32).toString('base64url');
    return {
      token,
      hash: hashRefreshToken(token),
      expiresAt: new Date(this.clock.now().getTime() + this.config.AUTH_REFRESH_TOKEN_TTL_MS),
    };
  }

  private async pair(accountId: string, deviceId: number, refresh: { token: string; expiresAt: Date }): Promise<auth.TokenPair> {
    const issuedAt = this.clock.now();
    const accessExpiresAt = new Date(issuedAt.getTime() + this.config.AUTH_ACCESS_TOKEN_TTL_MS);
    const accessToken = await signAccessToken(
      { accountId, deviceId },
      { key: this.signingKey, audience: this.config.AUTH_AUDIENCE, issuedAt, expiresAt: accessExpiresAt },
    );
    return {
      accessToken,
      accessTokenExpiresAtMs: accessExpiresAt.getTime(),
      refreshToken: refresh.token,
      refreshTokenExpiresAtMs: refresh.expiresAt.getTime(),
    };
  }
}
