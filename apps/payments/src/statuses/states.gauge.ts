import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type BatchObservableCallback, metrics } from '@opentelemetry/api';
import { PAYMENT_STATE_LABELS } from '../payments.metrics';
import { PaymentStatusesRepository } from './payment-statuses.repository';

/** Payments by state, read from the tables at each scrape: the dashboard's main panel. */
@Injectable()
export class StatesGauge implements OnModuleDestroy {
  private readonly meter = metrics.getMeter('@coming/payments');

  readonly statuses = this.meter.createObservableGauge('coming.payments.statuses', {
    description: 'Transactions and payment requests the watcher tracks, by state',
    unit: '{payment}',
  });

  private readonly observe: BatchObservableCallback = async (result) => {
    const counts = new Map((await this.repository.countByState()).map(({ state, count }) => [state, count]));
    for (const state of PAYMENT_STATE_LABELS) result.observe(this.statuses, counts.get(state) ?? 0, { state });
  };

  constructor(private readonly repository: PaymentStatusesRepository) {
    this.meter.addBatchObservableCallback(this.observe, [this.statuses]);
  }

  /** A closed service's database is gone; scraping it must not query it. */
  onModuleDestroy() {
    this.meter.removeBatchObservableCallback(this.observe, [this.statuses]);
  }
}
