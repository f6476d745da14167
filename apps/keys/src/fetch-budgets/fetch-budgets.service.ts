import { InjectLogger, type Logger } from '@coming/logging';
import { Clock } from '@coming/runtime';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectKeysConfig, type KeysConfig } from '../keys.config';
import { PreKeysRepository } from '../pre-keys/pre-keys.repository';
import { type Budget, type BudgetDecision, FetchBudgetsRepository } from './fetch-budgets.repository';

const SWEEP_INTERVAL_MS = 10 * 60_000;

export interface FetchRequester {
  accountId: string;
  deviceId: number;
  /** Empty when the caller is not a client's gateway; then no IP budget applies. */
  clientIp: string;
}

/**
 * Who may take one-time prekeys, and how fast. Accounts are free, so a per-account limit
 * alone lets a few fresh accounts drain anyone's stock: the budgets are per requesting
 * device and target, per IP, and tighter for new accounts. Each is keyed by the
 * requester, so nobody can spend someone else's budget.
 */
@Injectable()
export class FetchBudgetsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectKeysConfig() private readonly config: KeysConfig,
    private readonly budgets: FetchBudgetsRepository,
    private readonly preKeys: PreKeysRepository,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async spend(requester: FetchRequester, targetAccountId: string): Promise<BudgetDecision> {
    const now = this.clock.now();
    const config = this.config;
    const budgets: Budget[] = [
      {
        bucket: `target:${requester.accountId}.${requester.deviceId}>${targetAccountId}`,
        burst: config.KEYS_FETCH_BURST_PER_TARGET,
        refillMs: config.KEYS_FETCH_REFILL_MS_PER_TARGET,
      },
    ];
    if (requester.clientIp !== '') {
      budgets.push({
        bucket: `ip:${requester.clientIp}`,
        burst: config.KEYS_FETCH_BURST_PER_IP,
        refillMs: config.KEYS_FETCH_REFILL_MS_PER_IP,
      });
    }
    const createdAt = await this.preKeys.accountCreatedAt(requester.accountId);
    if (createdAt === undefined || now.getTime() - createdAt.getTime() < config.KEYS_NEW_ACCOUNT_AGE_MS) {
      budgets.push({
        bucket: `new-account:${requester.accountId}`,
        burst: config.KEYS_FETCH_BURST_NEW_ACCOUNT,
        refillMs: config.KEYS_FETCH_REFILL_MS_NEW_ACCOUNT,
      });
    }
    return this.budgets.spend(budgets, now);
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Deletes buckets that have been idle long enough to be full again, so the table stays small. */
  private async sweep() {
    const config = this.config;
    const refillAllMs = Math.max(
      config.KEYS_FETCH_BURST_PER_TARGET * config.KEYS_FETCH_REFILL_MS_PER_TARGET,
      config.KEYS_FETCH_BURST_PER_IP * config.KEYS_FETCH_REFILL_MS_PER_IP,
      config.KEYS_FETCH_BURST_NEW_ACCOUNT * config.KEYS_FETCH_REFILL_MS_NEW_ACCOUNT,
    );
    try {
      await this.budgets.sweep(new Date(this.clock.now().getTime() - refillAllMs));
    } catch (error) {
      this.logger.warn({ err: error }, 'fetch budget sweep failed; retrying next interval');
    }
  }
}
