export enum EnvelopesErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
}

export class EnvelopesError extends Error {
  override readonly name = 'EnvelopesError';

  constructor(
    readonly code: EnvelopesErrorCode,
    message: string,
  ) {
    super(message);
  }
}
