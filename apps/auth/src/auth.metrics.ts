import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';

/** Why a login failed: the refusal it was answered with, or a malformed request, or a fault. */
const LOGIN_FAILURE_REASONS = [
  'rateLimited',
  'challengeRejected',
  'badSignature',
  'tooManyDevices',
  'certificateRejected',
  'invalidArgument',
  'internal',
];

/** Every instrument of the auth service. */
@Injectable()
export class AuthMetrics {
  private readonly meter = metrics.getMeter('@coming/auth');

  /** Login attempts; `outcome` is success or failure, and a failure's `reason` names the refusal, e.g. badSignature. */
  readonly logins = this.meter.createCounter('coming.auth.logins', { description: 'Login attempts by outcome', unit: '{login}' });

  constructor() {
    // Series exist from the first scrape, so that rates and alerts see 0 rather than nothing.
    this.logins.add(0, { outcome: 'success' });
    for (const reason of LOGIN_FAILURE_REASONS) this.logins.add(0, { outcome: 'failure', reason });
  }
}
