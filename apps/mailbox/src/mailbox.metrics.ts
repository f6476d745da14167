import { Clock } from '@coming/runtime';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type BatchObservableCallback, metrics } from '@opentelemetry/api';
import { EnvelopesRepository } from './envelopes/envelopes.repository';

/** Every instrument of the mailbox service. */
@Injectable()
export class MailboxMetrics implements OnModuleDestroy {
  private readonly meter = metrics.getMeter('@coming/mailbox');

  /** Envelopes waiting in all mailboxes: the sum of the per-device holdings counters, read at each scrape. */
  readonly depth = this.meter.createObservableGauge('coming.mailbox.depth', {
    description: 'Envelopes stored and not yet acknowledged',
    unit: '{envelope}',
  });

  /** Age of the oldest waiting envelope; 0 when every mailbox is empty. */
  readonly oldestAge = this.meter.createObservableGauge('coming.mailbox.oldest_age', {
    description: 'Age of the oldest stored envelope',
    unit: 's',
  });

  private readonly observe: BatchObservableCallback = async (result) => {
    const { envelopes, oldestCreatedAt } = await this.envelopes.backlog();
    result.observe(this.depth, envelopes);
    result.observe(this.oldestAge, oldestCreatedAt === null ? 0 : (this.clock.now().getTime() - oldestCreatedAt.getTime()) / 1000);
  };

  constructor(
    private readonly envelopes: EnvelopesRepository,
    private readonly clock: Clock,
  ) {
    this.meter.addBatchObservableCallback(this.observe, [this.depth, this.oldestAge]);
  }

  /** A closed service's database is gone; scraping it must not query it. */
  onModuleDestroy() {
    this.meter.removeBatchObservableCallback(this.observe, [this.depth, this.oldestAge]);
  }
}
