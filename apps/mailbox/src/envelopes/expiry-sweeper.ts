import { InjectLogger, type Logger } from '@coming/logging';
import { PeriodicSweep } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { InjectMailboxConfig, type MailboxConfig } from '../mailbox.config';
import { EnvelopesService } from './envelopes.service';

const BATCH = 1_000;

/** Deletes envelopes past their expiry, and the quota rows of senders that no longer hold anything. */
@Injectable()
export class ExpirySweeper extends PeriodicSweep {
  constructor(
    @InjectMailboxConfig() private readonly config: MailboxConfig,
    private readonly envelopes: EnvelopesService,
    @InjectLogger() protected readonly logger: Logger,
  ) {
    super();
  }

  protected get intervalMs() {
    return this.config.MAILBOX_SWEEP_INTERVAL_MS;
  }

  protected async sweepOnce() {
    let deleted = BATCH;
    while (deleted === BATCH) deleted = await this.envelopes.sweepExpired(BATCH);
    let forgotten = BATCH;
    while (forgotten === BATCH) forgotten = await this.envelopes.forgetIdleSenders(BATCH);
  }
}
