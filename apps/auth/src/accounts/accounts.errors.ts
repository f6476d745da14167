import { DomainError } from '@coming/errors';

export enum AccountsErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  DeviceNotFound = 'DEVICE_NOT_FOUND',
}

export class AccountsError extends DomainError<AccountsErrorCode> {
  override readonly name = 'AccountsError';
}
