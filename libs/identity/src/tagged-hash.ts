import { schnorr } from '@noble/curves/secp256k1.js';
import { concatBytes } from '@noble/hashes/utils.js';

/**
 * BIP-340 tagged hash: SHA-256(SHA-256(tag) ‖ SHA-256(tag) ‖ parts). Each kind of signed
 * statement has a tag of its own, so that a signature made for one (a login, say) can
 * never be presented as another (a device removal).
 */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return schnorr.utils.taggedHash(tag, ...parts);
}

/** A variable-length field with its 16-bit length first, so that no two statements share an encoding. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const length = new Uint8Array(2);
  new DataView(length.buffer).setUint16(0, bytes.length);
  return concatBytes(length, bytes);
}

export function uint32Bytes(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

/** Milliseconds since the epoch, as 8 big-endian bytes. */
export function uint64Bytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
  return bytes;
}
