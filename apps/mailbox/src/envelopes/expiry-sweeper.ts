import { InjectLogger, type Logger } from '@coming/logging';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectMailboxConfig, type MailboxConfig } from '../mailbox.config';
import { EnvelopesService } from './envelopes.service';

const BATCH = 1_000;

/**
 * Periodically deletes envelopes past their expiry, and the quota rows of senders that no
 * longer hold anything. Replicas may overlap; deletes are idempotent.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectMailboxConfig() private readonly config: MailboxConfig,
    private readonly envelopes: EnvelopesService,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.sweep(), this.config.MAILBOX_SWEEP_INTERVAL_MS).unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  private async sweep() {
    try {
      let deleted = BATCH;
      while (deleted === BATCH) deleted = await this.envelopes.sweepExpired(BATCH);
      let forgotten = BATCH;
      while (forgotten === BATCH) forgotten = await this.envelopes.forgetIdleSenders(BATCH);
    } catch (error) {
      this.logger.warn({ err: error }, 'expiry sweep failed; retrying next interval');
    }
  }
}
