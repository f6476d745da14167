import { DomainError } from '@coming/errors';

export enum PaymentsErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  /** The chain backend cannot be reached, or follows no chain yet known: retry later. */
  Unavailable = 'UNAVAILABLE',
  /** The account already watches as many addresses as it may. */
  WatchLimitReached = 'WATCH_LIMIT_REACHED',
}

export class PaymentsError extends DomainError<PaymentsErrorCode> {
  override readonly name = 'PaymentsError';
}
