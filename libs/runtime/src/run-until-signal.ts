import type { Logger } from '@coming/logging';

export interface RunningService {
  /** Stops accepting work, finishes what is in flight, and releases resources. */
  close(): Promise<void>;
}

/** Keeps a service up until SIGTERM or SIGINT, then closes it once. */
export function runUntilSignal(service: RunningService, logger: Logger): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
