export enum SmscErrorCode {
  /** Options the SMSC cannot start with; the message names the option. */
  InvalidOptions = 'INVALID_OPTIONS',
}

export class SmscError extends Error {
  override readonly name = 'SmscError';

  constructor(
    readonly code: SmscErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
