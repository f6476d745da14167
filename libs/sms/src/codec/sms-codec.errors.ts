export enum SmsCodecErrorCode {
  /** A Coming message whose text holds a character outside the codec's alphabet. */
  InvalidCharacter = 'INVALID_CHARACTER',
  /** A Coming message whose text or octets cannot be the encoding of any bytes: a cut-off group, or a group worth more than its bytes can hold. */
  InvalidLength = 'INVALID_LENGTH',
  /** A Coming marker followed by a format version this codec does not know. */
  UnsupportedVersion = 'UNSUPPORTED_VERSION',
  /** Text for a GSM 7-bit part with a character outside the GSM 03.38 basic alphabet. */
  NotGsmBasic = 'NOT_GSM_BASIC',
  /** A message that needs more than the 255 parts a concatenation header can count, or more than the caller allows. */
  TooManyParts = 'TOO_MANY_PARTS',
  /** A concatenation reference or port number outside what its header element holds. */
  InvalidHeaderValue = 'INVALID_HEADER_VALUE',
  /** Reassembly limits that contradict each other or are not positive whole numbers. */
  InvalidLimits = 'INVALID_LIMITS',
}

/** An SMS message or part refused by the codec; the message names the value at fault. */
export class SmsCodecError extends Error {
  override readonly name = 'SmsCodecError';

  constructor(
    readonly code: SmsCodecErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
