import { InjectLogger, type Logger } from '@coming/logging';
import { Clock, PeriodicSweep } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { type AuthConfig, InjectAuthConfig } from './auth.config';
import { UsedChallengesRepository } from './login/used-challenges.repository';
import { RefreshTokensRepository } from './tokens/refresh-tokens.repository';

/**
 * Deletes expired refresh tokens (used or not) and the records of spent challenges past
 * their expiry, which would be refused anyway.
 */
@Injectable()
export class ExpirySweeper extends PeriodicSweep {
  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly usedChallenges: UsedChallengesRepository,
    private readonly clock: Clock,
    @InjectLogger() protected readonly logger: Logger,
  ) {
    super();
  }

  protected get intervalMs() {
    return this.config.AUTH_SWEEP_INTERVAL_MS;
  }

  protected async sweepOnce() {
    const now = this.clock.now();
    await this.refreshTokens.deleteExpired(now);
    await this.usedChallenges.deleteExpired(now);
  }
}
