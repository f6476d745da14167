import { importSigningKey, signAccessToken } from '@coming/access-token';
import type { auth } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { type AuthConfig, InjectAuthConfig } from '../auth.config';
import { RefreshTokensRepository } from './refresh-tokens.repository';

export function hashRefreshToken(token: string): Uint8Array {
  return createHash('sha256').update(token).digest();
}

/** Issues access tokens (verified by gateways on their own) and single-use refresh tokens. */
@Injectable()
export class TokensService {
  private readonly signingKey;

  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly clock: Clock,
  ) {
    this.signingKey = importSigningKey(config.AUTH_SIGNING_KEY);
  }

  async issue(accountId: string, deviceId: number): Promise<auth.TokenPair> {
    const now = this.clock.now().getTime();
    const accessExpiresAt = new Date(now + this.config.AUTH_ACCESS_TOKEN_TTL_MS);
    const refreshExpiresAt = new Date(now + this.config.AUTH_REFRESH_TOKEN_TTL_MS);
    const accessToken = await signAccessToken(
      { accountId, deviceId },
      { key: this.signingKey, audience: this.config.AUTH_AUDIENCE, expiresAt: accessExpiresAt },
    );
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refreshTokens.insert(accountId, deviceId, hashRefreshToken(refreshToken), refreshExpiresAt);
    return {
      accessToken,
      accessTokenExpiresAtMs: accessExpiresAt.getTime(),
      refreshToken,
      refreshTokenExpiresAtMs: refreshExpiresAt.getTime(),
    };
  }

  /** Redeems a refresh token once; null when it is unknown, used or expired. */
  redeem(refreshToken: string): Promise<{ accountId: string; deviceId: number } | null> {
    return this.refreshTokens.consume(hashRefreshToken(refreshToken), this.clock.now());
  }
}
