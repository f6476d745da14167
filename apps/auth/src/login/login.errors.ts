import { DomainError } from '@coming/errors';

/** Only client mistakes are errors; refusals a caller should expect are outcomes in the response. */
export enum LoginErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
}

export class LoginError extends DomainError<LoginErrorCode> {
  override readonly name = 'LoginError';
}
