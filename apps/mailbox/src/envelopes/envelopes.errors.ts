import { DomainError } from '@coming/errors';

export enum EnvelopesErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
}

export class EnvelopesError extends DomainError<EnvelopesErrorCode> {
  override readonly name = 'EnvelopesError';
}
