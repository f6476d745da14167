import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';

/** Every instrument of the auth service. */
@Injectable()
export class AuthMetrics {
  private readonly meter = metrics.getMeter('@coming/auth');

  /** Login attempts; `outcome` is success or failure, and a failure's `reason` names the refusal, e.g. badSignature. */
  readonly logins = this.meter.createCounter('coming.auth.logins', { description: 'Login attempts by outcome', unit: '{login}' });
}
