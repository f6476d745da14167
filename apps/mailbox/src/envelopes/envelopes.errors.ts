import { DomainError } from '@coming/config';

export enum EnvelopesErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
}

export class EnvelopesError extends DomainError<EnvelopesErrorCode> {
  override readonly name = 'EnvelopesError';
}
