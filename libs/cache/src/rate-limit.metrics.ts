import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';

/** Instruments of the rate limiter, shared by every service that limits. */
@Injectable()
export class RateLimitMetrics {
  private readonly meter = metrics.getMeter('@coming/cache');

  /** Requests refused by a limit; attribute `limit` names it, e.g. "login-account". */
  readonly rejections = this.meter.createCounter('coming.rate_limit.rejections', {
    description: 'Requests refused by a rate limit',
    unit: '{request}',
  });

  /** Synchronisations with the shared cache that failed; limits were local meanwhile. */
  readonly syncFailures = this.meter.createCounter('coming.rate_limit.sync_failures', {
    description: 'Failed synchronisations of rate-limit counters with the shared cache',
    unit: '{sync}',
  });
}
