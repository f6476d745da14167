import { InjectLogger, type Logger } from '@coming/logging';
import { payments } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsMetrics, type PaymentStateLabel } from '../payments.metrics';
import { TrackedTransactionsRepository } from '../watcher/tracked-transactions.repository';
import { PaymentEventsRepository } from './payment-events.repository';
import { PaymentStatusesRepository } from './payment-statuses.repository';

const STATE_LABELS: Partial<Record<payments.PaymentState, PaymentStateLabel>> = {
  [payments.PaymentState.PAYMENT_STATE_REQUESTED]: 'requested',
  [payments.PaymentState.PAYMENT_STATE_BROADCAST]: 'broadcast',
  [payments.PaymentState.PAYMENT_STATE_IN_MEMPOOL]: 'in_mempool',
  [payments.PaymentState.PAYMENT_STATE_CONFIRMED]: 'confirmed',
  [payments.PaymentState.PAYMENT_STATE_REPLACED]: 'replaced',
  [payments.PaymentState.PAYMENT_STATE_DROPPED]: 'dropped',
  [payments.PaymentState.PAYMENT_STATE_EXPIRED]: 'expired',
};

/**
 * Publishes the new status of each changed transaction or request to every account it
 * concerns, after the change is committed. A lost event costs only speed: devices ask for
 * current statuses when they (re)connect.
 */
@Injectable()
export class StatusNotifier {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly tracked: TrackedTransactionsRepository,
    private readonly statuses: PaymentStatusesRepository,
    private readonly paymentEvents: PaymentEventsRepository,
    private readonly metrics: PaymentsMetrics,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async transactionsChanged(txids: Iterable<string>): Promise<void> {
    const accounts = await this.tracked.accountsOf([...txids]);
    const byAccount = new Map<string, string[]>();
    for (const [txid, accountIds] of accounts)
      for (const accountId of accountIds) byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), txid]);
    for (const [accountId, changed] of byAccount) {
      for (const status of await this.statuses.ofTransactions(accountId, changed, this.config.PAYMENTS_CONFIRMATION_DEPTH)) {
        await this.publish(accountId, status);
      }
    }
  }

  async requestsChanged(requests: { account_id: string; script_pubkey: string }[]): Promise<void> {
    for (const { account_id: accountId, script_pubkey: script } of requests) {
      const [status] = await this.statuses.ofUnpaidRequests(accountId, this.config.PAYMENTS_CONFIRMATION_DEPTH, {
        scripts: [script],
        limit: 1,
      });
      if (status !== undefined) await this.publish(accountId, status);
    }
  }

  private async publish(accountId: string, status: payments.PaymentStatus): Promise<void> {
    this.metrics.transitions.add(1, { state: STATE_LABELS[status.state] ?? 'requested' });
    await this.paymentEvents
      .publishStatus(accountId, status)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'payment status not published; devices catch up when they reconnect'));
  }
}
