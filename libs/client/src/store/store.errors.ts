export enum StoreErrorCode {
  /** The passphrase does not unlock this home's key. */
  WrongPassphrase = 'WRONG_PASSPHRASE',
  /** A sealed file failed its authentication check: damaged, or copied from another home. */
  Damaged = 'DAMAGED',
  /** A file written by a newer version, in a format this one cannot read. */
  UnknownFormat = 'UNKNOWN_FORMAT',
}

/** A failure to open the encrypted local store; nothing in it was changed. */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
