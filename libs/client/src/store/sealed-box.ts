import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from 'node:crypto';
import { StoreError, StoreErrorCode } from './store.errors';

const FORMAT_VERSION = 1;
const NONCE_BYTES = 24;
export const SEALING_KEY_BYTES = 32;

/**
 * XChaCha20-Poly1305 with a random 24-byte nonce: random nonces that long never collide in
 * practice, however many times a file is rewritten. `purpose` is bound as associated data,
 * so that one sealed file cannot be passed off as another (history as state, say).
 * Layout: version byte, nonce, ciphertext with its tag.
 */
export function seal(key: Uint8Array, purpose: string, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = xchacha20poly1305(key, nonce, Buffer.from(purpose)).encrypt(plaintext);
  return Buffer.concat([Buffer.of(FORMAT_VERSION), nonce, ciphertext]);
}

/** Opens what `seal` made with the same key and purpose; throws StoreError DAMAGED otherwise. */
export function open(key: Uint8Array, purpose: string, sealed: Uint8Array): Uint8Array {
  if (sealed[0] !== FORMAT_VERSION) {
    throw new StoreError(StoreErrorCode.UnknownFormat, `${purpose}: sealed with format ${sealed[0]}, this version reads ${FORMAT_VERSION}`);
  }
  try {
    return xchacha20poly1305(key, sealed.subarray(1, 1 + NONCE_BYTES), Buffer.from(purpose)).decrypt(sealed.subarray(1 + NONCE_BYTES));
  } catch (error) {
    throw new StoreError(StoreErrorCode.Damaged, `${purpose}: failed its integrity check (damaged, or from another home)`, {
      cause: error,
    });
  }
}
