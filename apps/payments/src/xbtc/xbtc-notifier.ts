import { InjectLogger, type Logger } from '@coming/logging';
import { Injectable } from '@nestjs/common';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsMetrics } from '../payments.metrics';
import { PaymentEventsRepository } from '../statuses/payment-events.repository';
import { xbtcStatusOf } from './xbtc-status';
import { type XbtcTransferRow, XbtcTransfersRepository } from './xbtc-transfers.repository';

/**
 * Publishes the new status of each changed X-BTC transfer to every account it concerns, on
 * the payment status subject, after the change is committed. A lost event costs only speed:
 * devices ask GetXbtcTransfers when they (re)connect.
 */
@Injectable()
export class XbtcNotifier {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly transfers: XbtcTransfersRepository,
    private readonly paymentEvents: PaymentEventsRepository,
    private readonly metrics: PaymentsMetrics,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async changed(ids: Iterable<XbtcTransferRow['id']>): Promise<void> {
    for (const row of await this.transfers.byIds([...new Set(ids)])) {
      const status = xbtcStatusOf(row, this.config.PAYMENTS_XBTC_CONFIRMATION_DEPTH);
      this.metrics.transitions.add(1, { state: row.state });
      for (const accountId of await this.transfers.accountsOf(row)) {
        await this.paymentEvents
          .publishXbtcTransfer(accountId, status)
          .catch((error: unknown) => this.logger.warn({ err: error }, 'X-BTC status not published; devices catch up when they reconnect'));
      }
    }
  }
}
