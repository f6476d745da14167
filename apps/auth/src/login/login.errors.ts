export enum LoginErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  ChallengeRejected = 'CHALLENGE_REJECTED',
  BadSignature = 'BAD_SIGNATURE',
  RefreshTokenRejected = 'REFRESH_TOKEN_REJECTED',
  RateLimited = 'RATE_LIMITED',
  TooManyDevices = 'TOO_MANY_DEVICES',
}

export class LoginError extends Error {
  override readonly name = 'LoginError';

  constructor(
    readonly code: LoginErrorCode,
    message: string,
    /** With RATE_LIMITED: when the caller may try again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
