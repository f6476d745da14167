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

/** The oldest message version libsignal still parses: version 3, X3DH's. */
const OLDEST_PARSED_VERSION = 3;

/**
 * Checks the version nibble as libsignal does: versions below 3 are too old and above 4
 * unknown (UNSUPPORTED_VERSION). A version-3 SignalMessage parses, then fails to decrypt:
 * its MAC covers the version byte. Version-3 PreKeySignalMessages, X3DH's, are refused here.
 */
export function assertSupportedVersion(serialized: Uint8Array, what: 'SignalMessage' | 'PreKeySignalMessage'): void {
  if (serialized.length === 0) throw new SignalProtocolError(SignalProtocolErrorCode.InvalidMessage, `empty ${what}`);
  const version = serialized[0]! >> 4;
  const oldest = what === 'SignalMessage' ? OLDEST_PARSED_VERSION : CIPHERTEXT_MESSAGE_VERSION;
  if (version < oldest || version > CIPHERTEXT_MESSAGE_VERSION) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.UnsupportedVersion,
      `${what} has version ${version}; only version ${CIPHERTEXT_MESSAGE_VERSION} (PQXDH) is supported`,
    );
  }
}
