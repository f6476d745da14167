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
/** x-only secp256k1 public keys: account keys and linked devices' own device keys. */
export const X_ONLY_PUBLIC_KEY_BYTES = 32;
/** A device's encrypted name as the server stores it: a 64-character name, sealed, fits. */
export const MAX_ENCRYPTED_DEVICE_NAME_BYTES = 512;
/**
 * A primary's encrypted provisioning message for a new device. What it carries (account
 * ID, identity key and its signature, certificate) is under 400 bytes; the margin leaves
 * room for later fields without letting anyone relay bulk data through a provisioning address.
 */
export const MAX_PROVISIONING_CIPHERTEXT_BYTES = 4096;
/** Provisioning addresses are this many random bytes, shown as base64url. */
export const PROVISIONING_ADDRESS_BYTES = 16;
/** Device-removal requests carry a random nonce of this many bytes. */
export const DEVICE_REMOVAL_NONCE_BYTES = 16;
/** A signed device removal is accepted this long before and after its timestamp, once. */
export const DEVICE_REMOVAL_WINDOW_MS = 5 * 60_000;

/*
 * Envelope sizes, and why they agree (all figures in bytes):
 *
 * - Every gRPC message between our services is capped at GRPC_MAX_MESSAGE_BYTES (4 MiB),
 *   both ways.
 * - A Fetch page holds at least one envelope, so the largest envelope that can ever be
 *   drained is that cap less what a one-envelope FetchResponse adds around it: the
 *   `envelopes` tag and length (1 + 4), StoredEnvelope's `sequence` (1 + 10) and its
 *   `envelope` tag and length (1 + 4), and `has_more` (2) make 23, which FETCH_ENTRY_BYTES
 *   rounds up to 64. So MAX_ENVELOPE_BYTES = 4,194,304 − 64 = 4,194,240, and the mailbox
 *   refuses a larger envelope with INVALID_ARGUMENT instead of storing what it could
 *   never hand back. (An EnqueueRequest adds 5 bytes to its envelope, so it fits too.)
 * - Every further envelope on a page costs its size plus FETCH_ENTRY_BYTES against the
 *   page's byte budget (MAILBOX_FETCH_PAGE_BYTES, at most MAX_ENVELOPE_BYTES), so no page
 *   exceeds the gRPC cap either.
 * - An envelope is the sender's ciphertext plus addressing: a 16-byte server GUID and
 *   client message ID, two account IDs (bech32, at most 90 characters), two device IDs,
 *   two timestamps and the content type, with their tags and lengths, come to under
 *   256 bytes; ENVELOPE_ADDRESSING_BYTES allows 1 KiB.
 * - The ciphertext arrives inside one client frame, so it is shorter than the frame. A
 *   gateway may therefore accept frames of up to MAX_CLIENT_FRAME_BYTES = 4,194,240 −
 *   1,024 = 4,193,216 (GATEWAY_MAX_FRAME_BYTES, 256 KiB by default), and every envelope
 *   it builds fits the mailbox.
 */
/** The largest gRPC message our servers and clients send or receive. */
export const GRPC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** What one envelope adds to a FetchResponse besides its own bytes, rounded up. */
export const FETCH_ENTRY_BYTES = 64;
/** The largest encoded Envelope the mailbox stores: the largest a one-envelope Fetch page can carry. */
export const MAX_ENVELOPE_BYTES = GRPC_MAX_MESSAGE_BYTES - FETCH_ENTRY_BYTES;
/** An upper bound on an envelope's fields other than its content. */
export const ENVELOPE_ADDRESSING_BYTES = 1024;
/** The largest client frame a gateway may be configured to accept. */
export const MAX_CLIENT_FRAME_BYTES = MAX_ENVELOPE_BYTES - ENVELOPE_ADDRESSING_BYTES;
