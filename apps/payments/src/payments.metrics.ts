import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';

/** The states of the one payment model, as metric labels. */
export const PAYMENT_STATE_LABELS = ['requested', 'broadcast', 'in_mempool', 'confirmed', 'replaced', 'dropped', 'expired'] as const;
export type PaymentStateLabel = (typeof PAYMENT_STATE_LABELS)[number];

/** Every instrument of the payments service; what the Payments dashboard plots. */
@Injectable()
export class PaymentsMetrics {
  private readonly meter = metrics.getMeter('@coming/payments');
  private lagBlocks = 0;

  /** Status changes, by the state entered: the flow through requested → … → confirmed / replaced / dropped / expired. */
  readonly transitions = this.meter.createCounter('coming.payments.transitions', {
    description: 'Payment status changes, by the state entered',
    unit: '{change}',
  });

  /** Failed requests to the chain backend, by kind (unavailable: unreachable or timed out; error: it answered with one). */
  readonly backendErrors = this.meter.createCounter('coming.payments.backend.errors', {
    description: 'Chain backend requests that failed',
    unit: '{error}',
  });

  /** Broadcasts by outcome (accepted, rejected). */
  readonly broadcasts = this.meter.createCounter('coming.payments.broadcasts', {
    description: 'Transactions broadcast for devices, by outcome',
    unit: '{transaction}',
  });

  /** How many blocks the watcher is behind the backend's tip, as of its last pass. */
  readonly watcherLag = this.meter.createObservableGauge('coming.payments.watcher.lag', {
    description: 'Blocks between the backend tip and the last block the watcher processed',
    unit: '{block}',
  });

  constructor() {
    // The series exist from the first scrape, so that rates and alerts see 0 rather than nothing.
    for (const state of PAYMENT_STATE_LABELS) this.transitions.add(0, { state });
    for (const kind of ['unavailable', 'error']) this.backendErrors.add(0, { kind });
    for (const outcome of ['accepted', 'rejected']) this.broadcasts.add(0, { outcome });
    this.watcherLag.addCallback((result) => result.observe(this.lagBlocks));
  }

  setWatcherLag(blocks: number): void {
    this.lagBlocks = Math.max(0, blocks);
  }
}
