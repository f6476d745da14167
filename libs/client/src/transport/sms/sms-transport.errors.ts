export enum SmsTransportErrorCode {
  /** The client's SMS options are unusable: an own number not in E.164, a negative outage time, an unknown mode. */
  InvalidOptions = 'INVALID_OPTIONS',
  /** A route or policy given by the caller is malformed: the account ID, the phone number, the device or the policy. */
  InvalidRoute = 'INVALID_ROUTE',
  /** The contact has no SMS route (no phone number) but the policy or the call needs one. */
  NoRoute = 'NO_ROUTE',
  /** The client was opened without an SMS carrier, and the call needs one. */
  NotConfigured = 'NOT_CONFIGURED',
  /** No session with the contact's SMS device and no cached prekey bundle to start one from, while the server is away. */
  NoSession = 'NO_SESSION',
  /** A received SMS bore Coming's marker but not a well-formed envelope; it was dropped. */
  MalformedSms = 'MALFORMED_SMS',
  /** A received SMS was not taken: the application took no messages and too many were held already. */
  NotTaken = 'NOT_TAKEN',
}

/** An SMS transport operation refused, or an SMS dropped; the message names the value at fault. */
export class SmsTransportError extends Error {
  override readonly name = 'SmsTransportError';

  constructor(
    readonly code: SmsTransportErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
