import { messaging } from '@coming/proto';
import { randomBytes } from 'node:crypto';

// Sizes of real Signal ciphertexts, as the server sees them. Signal pads message content to
// multiples of 160 bytes before encrypting; a SignalMessage adds the version byte 0x44, a
// protobuf header (33-byte ratchet key, counters), AES-CBC's block of padding and an 8-byte
// MAC, about 69 bytes in all. A PreKeySignalMessage (the first messages of a session) also
// carries the PQXDH prekey IDs, base key, identity key and a 1,568-byte Kyber-1024
// ciphertext. The mix: most messages short texts, some longer, one in ten starting a session.
const SIGNAL_MESSAGE_OVERHEAD = 69;
const PREKEY_MESSAGE_OVERHEAD = SIGNAL_MESSAGE_OVERHEAD + 1_568 + 33 + 33 + 12;
const PADDED_BLOCK = 160;

interface SizedContent {
  contentType: messaging.ContentType;
  bytes: number;
}

const SIGNAL = messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE;
const PREKEY = messaging.ContentType.CONTENT_TYPE_PREKEY_SIGNAL_MESSAGE;

/** The repeating pattern of ten messages every run sends, Coming and the baseline alike. */
export const MESSAGE_PATTERN: readonly SizedContent[] = [
  { contentType: PREKEY, bytes: PREKEY_MESSAGE_OVERHEAD + PADDED_BLOCK },
  ...[1, 1, 1, 1, 1, 2, 2, 3, 8].map((blocks) => ({ contentType: SIGNAL, bytes: SIGNAL_MESSAGE_OVERHEAD + blocks * PADDED_BLOCK })),
];

const SIGNAL_VERSION_BYTE = 0x44;
const filler = randomBytes(Math.max(...MESSAGE_PATTERN.map((each) => each.bytes)));

/**
 * The n-th message's content: ciphertext-like random bytes of the pattern's size, starting
 * with Signal's version byte. Bytes 1–8 carry the message's sequence number, so that a
 * duplicate shown to the user (the same message under another server GUID) can be told
 * from a harmless redelivery.
 */
export function messageContent(sequence: number): { contentType: messaging.ContentType; content: Uint8Array } {
  const { contentType, bytes } = MESSAGE_PATTERN[sequence % MESSAGE_PATTERN.length]!;
  const content = Buffer.allocUnsafe(bytes);
  filler.copy(content, 0, 0, bytes);
  content[0] = SIGNAL_VERSION_BYTE;
  content.writeBigUInt64BE(BigInt(sequence), 1);
  return { contentType, content };
}

/** Reads back the sequence number that messageContent wrote. */
export function sequenceOf(content: Uint8Array): number {
  return Number(Buffer.from(content.buffer, content.byteOffset, content.byteLength).readBigUInt64BE(1));
}
