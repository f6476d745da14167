import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';

const VERSION = 1;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

export class SealedBoxError extends Error {
  override readonly name = 'SealedBoxError';
}

/**
 * XChaCha20-Poly1305 under a 32-byte key, laid out as version ‖ nonce ‖ ciphertext.
 * The nonce is random: 192 bits make a collision negligible however often one key seals.
 * `associated` binds the box to its context (an account, a provisioning address).
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, associated: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  return concatBytes(Uint8Array.of(VERSION), nonce, xchacha20poly1305(key, nonce, associated).encrypt(plaintext));
}

/** The plaintext; throws SealedBoxError naming why it cannot be opened. */
export function open(key: Uint8Array, box: Uint8Array, associated: Uint8Array): Uint8Array {
  if (box.length < 1 + NONCE_BYTES + TAG_BYTES) throw new SealedBoxError(`sealed data is ${box.length} bytes, too short to be one`);
  if (box[0] !== VERSION) throw new SealedBoxError(`sealed data has version ${box[0]}, expected ${VERSION}`);
  try {
    return xchacha20poly1305(key, box.subarray(1, 1 + NONCE_BYTES), associated).decrypt(box.subarray(1 + NONCE_BYTES));
  } catch (error) {
    throw new SealedBoxError('sealed data does not authenticate: wrong key, wrong context or altered', { cause: error });
  }
}
