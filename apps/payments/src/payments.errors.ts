import { DomainError } from '@coming/errors';

export enum PaymentsErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  /** The chain backend cannot be reached, or follows no chain yet known: retry later. */
  Unavailable = 'UNAVAILABLE',
  /** The account already watches as many addresses as it may. */
  WatchLimitReached = 'WATCH_LIMIT_REACHED',
  /** The account asked for more X-BTC relays than PAYMENTS_XBTC_RELAYS_PER_MINUTE allows. */
  RateLimited = 'RATE_LIMITED',
}

export class PaymentsError extends DomainError<PaymentsErrorCode> {
  override readonly name = 'PaymentsError';
}
