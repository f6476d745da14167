import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { LoginErrorCode } from './login/login.errors';

/** Every instrument of the auth service. */
@Injectable()
export class AuthMetrics {
  private readonly meter = metrics.getMeter('@coming/auth');

  /** Login attempts; `outcome` is success or failure, and a failure's `reason` names the refusal, e.g. badSignature. */
  readonly logins = this.meter.createCounter('coming.auth.logins', { description: 'Login attempts by outcome', unit: '{login}' });

  constructor() {
    // Series exist from the first scrape, so that rates and alerts see 0 rather than nothing.
    this.logins.add(0, { outcome: 'success' });
    for (const reason of Object.values(LoginErrorCode)) this.logins.add(0, { outcome: 'failure', reason });
  }
}
