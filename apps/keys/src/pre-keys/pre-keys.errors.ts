import { DomainError } from '@coming/errors';

export enum PreKeysErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  BadSignature = 'BAD_SIGNATURE',
  NoIdentityKey = 'NO_IDENTITY_KEY',
  RateLimited = 'RATE_LIMITED',
}

export class PreKeysError extends DomainError<PreKeysErrorCode> {
  override readonly name = 'PreKeysError';

  constructor(
    code: PreKeysErrorCode,
    message: string,
    /** With RateLimited: which budget ran out, and when it has a token again. */
    readonly rateLimit?: { limit: string; retryAfterMs: number },
  ) {
    super(code, message);
  }
}
