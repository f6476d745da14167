export enum SignalProtocolErrorCode {
  BadMac = 'BAD_MAC',
  UntrustedIdentity = 'UNTRUSTED_IDENTITY',
  UnknownPreKey = 'UNKNOWN_PREKEY',
  DuplicateMessage = 'DUPLICATE_MESSAGE',
  InvalidMessage = 'INVALID_MESSAGE',
  InvalidKey = 'INVALID_KEY',
  InvalidSignature = 'INVALID_SIGNATURE',
  UnsupportedVersion = 'UNSUPPORTED_VERSION',
  NoSession = 'NO_SESSION',
  InvalidSessionRecord = 'INVALID_SESSION_RECORD',
}

export class SignalProtocolError extends Error {
  constructor(
    readonly code: SignalProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SignalProtocolError';
  }
}
