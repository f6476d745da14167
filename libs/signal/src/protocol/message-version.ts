import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';

/** PQXDH sessions; libsignal rejects version 3 (X3DH-only) messages. */
export const CIPHERTEXT_MESSAGE_VERSION = 4;
/** `(message version << 4) | current version`, the first byte of every message. */
export const VERSION_BYTE = (CIPHERTEXT_MESSAGE_VERSION << 4) | CIPHERTEXT_MESSAGE_VERSION;

/** libsignal's CiphertextMessageType numbers for the two session message kinds. */
export enum CiphertextMessageType {
  Whisper = 2,
  PreKey = 3,
}

export function assertSupportedVersion(serialized: Uint8Array, what: string): void {
  if (serialized.length === 0) throw new SignalProtocolError(SignalProtocolErrorCode.InvalidMessage, `empty ${what}`);
  const version = serialized[0]! >> 4;
  if (version !== CIPHERTEXT_MESSAGE_VERSION) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.UnsupportedVersion,
      `${what} has version ${version}; only version ${CIPHERTEXT_MESSAGE_VERSION} (PQXDH) is supported`,
    );
  }
}
