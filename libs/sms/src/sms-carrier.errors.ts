export enum SmsCarrierErrorCode {
  /** A carrier set up with something it cannot use: a malformed URL, credentials too long, an own number not in E.164. */
  InvalidConfig = 'INVALID_CONFIG',
  /** A recipient that is not an E.164 number. */
  InvalidRecipient = 'INVALID_RECIPIENT',
  /** A part the carrier cannot carry: text outside the GSM 03.38 alphabet, or too many octets. */
  InvalidPart = 'INVALID_PART',
  /** The SMS centre refused the account (wrong system ID or password, a number the account may not use). */
  BindRefused = 'BIND_REFUSED',
  /** No connection to the SMS centre: it did not answer, or not within the wait. */
  Unreachable = 'UNREACHABLE',
  /** The SMS centre refused a part; the message names its command status. */
  Refused = 'REFUSED',
  /** The SMS centre kept answering "throttled" after every retry. */
  Throttled = 'THROTTLED',
  /** The carrier was closed. */
  Closed = 'CLOSED',
}

/** A carrier operation refused or failed; the message names the value or the status at fault. */
export class SmsCarrierError extends Error {
  override readonly name = 'SmsCarrierError';

  constructor(
    readonly code: SmsCarrierErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
