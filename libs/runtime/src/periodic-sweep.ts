import type { Logger } from '@coming/logging';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * A chore a service repeats while it runs, such as deleting what has expired: started at
 * bootstrap, stopped at shutdown, and a failed round logged and tried again at the next
 * interval. Every replica runs it, so a round must be idempotent.
 */
export abstract class PeriodicSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  protected abstract readonly logger: Logger;
  protected abstract get intervalMs(): number;
  /** One round of the chore. */
  protected abstract sweepOnce(): Promise<void>;

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs).unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Runs one round now; never rejects. */
  async sweep(): Promise<void> {
    try {
      await this.sweepOnce();
    } catch (error) {
      this.logger.warn({ err: error, sweep: this.constructor.name }, 'sweep failed; retrying next interval');
    }
  }
}
