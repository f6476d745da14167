export enum SmsCarrierErrorCode {
  /** A carrier URL or option that cannot be used: wrong scheme, missing path, bad baud rate, mode or port. */
  InvalidConfig = 'INVALID_CONFIG',
  /** A destination that is not an E.164 number (`+`, then 1 to 15 digits, the first not 0). */
  InvalidNumber = 'INVALID_NUMBER',
  /** A part this carrier cannot send: too long for one SMS, a character outside the GSM alphabet, a header in text mode. */
  InvalidPart = 'INVALID_PART',
  /** A PDU or webhook body from outside that does not follow 3GPP TS 23.040 or the carrier's JSON shape. */
  MalformedInput = 'MALFORMED_INPUT',
  /** The SMS centre refused the account (wrong system ID or password, a number the account may not use). */
  BindRefused = 'BIND_REFUSED',
  /** The SMS centre kept answering "throttled" after every retry. */
  Throttled = 'THROTTLED',
  /** A modem that did not answer a command in time. */
  Timeout = 'TIMEOUT',
  /** A modem that answered a command with ERROR or +CME ERROR. */
  CommandFailed = 'COMMAND_FAILED',
  /** The network, SMS centre or gateway refused the message for good (+CMS ERROR, an SMPP command status, an HTTP 4xx); the message names why. */
  SendRejected = 'SEND_REJECTED',
  /** A modem port that cannot be opened, an SMS centre that cannot be reached or bound to in time, or a gateway still busy or failing (429, 5xx, no connection) after every retry. */
  Unavailable = 'UNAVAILABLE',
  /** The carrier was closed, or its link went away, before the operation finished. */
  Closed = 'CLOSED',
}

/** A carrier operation refused or failed; the message names the value, command or answer at fault. */
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
