import { InjectLogger, type Logger } from '@coming/logging';
import { Clock, PeriodicSweep } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
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
export class FetchBudgetsService extends PeriodicSweep {
  constructor(
    @InjectKeysConfig() private readonly config: KeysConfig,
    private readonly budgets: FetchBudgetsRepository,
    private readonly preKeys: PreKeysRepository,
    private readonly clock: Clock,
    @InjectLogger() protected readonly logger: Logger,
  ) {
    super();
  }

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

  protected get intervalMs() {
    return SWEEP_INTERVAL_MS;
  }

  /** Deletes buckets that have been idle long enough to be full again, so the table stays small. */
  protected async sweepOnce() {
    const config = this.config;
    const refillAllMs = Math.max(
      config.KEYS_FETCH_BURST_PER_TARGET * config.KEYS_FETCH_REFILL_MS_PER_TARGET,
      config.KEYS_FETCH_BURST_PER_IP * config.KEYS_FETCH_REFILL_MS_PER_IP,
      config.KEYS_FETCH_BURST_NEW_ACCOUNT * config.KEYS_FETCH_REFILL_MS_NEW_ACCOUNT,
    );
    await this.budgets.sweep(new Date(this.clock.now().getTime() - refillAllMs));
  }
}
