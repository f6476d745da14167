import { InjectLogger, type Logger } from '@coming/logging';
import { Clock } from '@coming/runtime';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type AuthConfig, InjectAuthConfig } from './auth.config';
import { UsedChallengesRepository } from './login/used-challenges.repository';
import { RefreshTokensRepository } from './tokens/refresh-tokens.repository';

/**
 * Periodically deletes expired refresh tokens (used or not) and the records of spent
 * challenges past their expiry, which would be refused anyway. Replicas may overlap;
 * deletes are idempotent.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly usedChallenges: UsedChallengesRepository,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.sweep(), this.config.AUTH_SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    try {
      const now = this.clock.now();
      await this.refreshTokens.deleteExpired(now);
      await this.usedChallenges.deleteExpired(now);
    } catch (error) {
      this.logger.warn({ err: error }, 'expiry sweep failed; retrying next interval');
    }
  }
}
