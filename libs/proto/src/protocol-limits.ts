/**
 * Protocol facts that are not carried as protobuf enums: sizes and limits that the
 * servers enforce and the SDK respects. Defined once here, beside the wire protocol.
 */

/** Device IDs run from 1 to this; 0 asks auth to register a new device. */
export const MAX_DEVICE_ID = 127;
/** Devices one account may hold at once. */
export const MAX_DEVICES_PER_ACCOUNT = 16;
/** Server GUIDs are a truncated SHA-256 (see the gateway's server-guid.ts). */
export const SERVER_GUID_BYTES = 16;
/** Client message IDs are random and chosen by the sending device. */
export const CLIENT_MESSAGE_ID_BYTES = 16;
/** GUIDs one Acknowledge frame may carry. */
export const MAX_ACKS_PER_FRAME = 100;
/** Every Signal ciphertext (SignalMessage and PreKeySignalMessage) starts with this version byte. */
export const SIGNAL_CIPHERTEXT_VERSION_BYTE = 0x44;
/** Login challenges are this many random bytes. */
export const CHALLENGE_BYTES = 32;
/** BIP-340 Schnorr signatures. */
export const SCHNORR_SIGNATURE_BYTES = 64;
/** XEdDSA signatures over prekeys. */
export const XEDDSA_SIGNATURE_BYTES = 64;
