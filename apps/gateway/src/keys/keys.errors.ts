import { DomainError } from '@coming/errors';

export enum KeysErrorCode {
  BadSignature = 'BAD_SIGNATURE',
  NoIdentityKey = 'NO_IDENTITY_KEY',
  RateLimited = 'RATE_LIMITED',
  UnknownAccount = 'UNKNOWN_ACCOUNT',
}

export class KeysError extends DomainError<KeysErrorCode> {
  override readonly name = 'KeysError';

  constructor(
    code: KeysErrorCode,
    message: string,
    /** With RateLimited: how long until the next fetch is allowed. */
    readonly retryAfterMs?: number,
  ) {
    super(code, message);
  }
}
