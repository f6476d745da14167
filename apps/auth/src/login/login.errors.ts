import { DomainError } from '@coming/errors';

export enum LoginErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  ChallengeRejected = 'CHALLENGE_REJECTED',
  BadSignature = 'BAD_SIGNATURE',
  RefreshTokenRejected = 'REFRESH_TOKEN_REJECTED',
  RateLimited = 'RATE_LIMITED',
  TooManyDevices = 'TOO_MANY_DEVICES',
}

export class LoginError extends DomainError<LoginErrorCode> {
  override readonly name = 'LoginError';
}
