import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { concatBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';
import { KYBER_1024_SECRET_KEY_LENGTH } from './noble-kyber1024';

/** libsignal's type byte for round-3 CRYSTALS-Kyber-1024 keys and ciphertexts. */
export const KYBER_1024_KEY_TYPE = 0x08;
export const KYBER_1024_PUBLIC_KEY_LENGTH = 1568;
const KYBER_1024_CIPHERTEXT_LENGTH = 1568;
// k × 384 bytes of the encoded secret vector s, which the secret key starts with.
const SECRET_VECTOR_LENGTH = 1536;

/** Both keys serialized as `0x08 ‖ raw`. */
export interface KyberKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export interface KyberEncapsulation {
  /** Serialized as `0x08 ‖ raw`. */
  ciphertext: Uint8Array;
  sharedSecret: Uint8Array;
}

function serialize(raw: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(KYBER_1024_KEY_TYPE), raw);
}

/**
 * Checks the type byte and length of a serialized key or ciphertext. As in libsignal, a wrong
 * type byte is INVALID_KEY even on a ciphertext, whose length is checked against the key's.
 */
function deserialize(serialized: Uint8Array, rawLength: number, what: string, lengthErrorCode: SignalProtocolErrorCode): Uint8Array {
  if (serialized[0] !== KYBER_1024_KEY_TYPE) {
    throw new SignalProtocolError(SignalProtocolErrorCode.InvalidKey, `Kyber-1024 ${what} must start with 0x08, got ${serialized[0]}`);
  }
  if (serialized.length !== rawLength + 1) {
    throw new SignalProtocolError(
      lengthErrorCode,
      `Kyber-1024 ${what} must be 0x08 followed by ${rawLength} bytes, got ${serialized.length} bytes`,
    );
  }
  return serialized.subarray(1);
}

/** Throws INVALID_KEY unless the bytes are a serialized Kyber-1024 public key. */
export function assertKyberPublicKey(serializedPublicKey: Uint8Array): void {
  deserialize(serializedPublicKey, KYBER_1024_PUBLIC_KEY_LENGTH, 'public key', SignalProtocolErrorCode.InvalidKey);
}

export function generateKyberKeyPair(): KyberKeyPair {
  // ML-KEM and round-3 Kyber keys share a layout and distribution; only seed expansion differs.
  const { publicKey, secretKey } = ml_kem1024.keygen();
  return { publicKey: serialize(publicKey), secretKey: serialize(secretKey) };
}

export function kyberPublicKeyFromSecretKey(serializedSecretKey: Uint8Array): Uint8Array {
  const secretKey = deserialize(serializedSecretKey, KYBER_1024_SECRET_KEY_LENGTH, 'secret key', SignalProtocolErrorCode.InvalidKey);
  // Round-3 and FIPS 203 secret keys both embed the public key right after the secret vector.
  return serialize(secretKey.slice(SECRET_VECTOR_LENGTH, SECRET_VECTOR_LENGTH + KYBER_1024_PUBLIC_KEY_LENGTH));
}

export async function kyberEncapsulate(
  serializedPublicKey: Uint8Array,
  crypto: CryptoBackend = nobleCryptoBackend,
): Promise<KyberEncapsulation> {
  const publicKey = deserialize(serializedPublicKey, KYBER_1024_PUBLIC_KEY_LENGTH, 'public key', SignalProtocolErrorCode.InvalidKey);
  let encapsulation;
  try {
    encapsulation = await crypto.kyber1024Encapsulate(publicKey);
  } catch (error) {
    throw new SignalProtocolError(SignalProtocolErrorCode.InvalidKey, `Kyber-1024 public key rejected: ${(error as Error).message}`);
  }
  return { ciphertext: serialize(encapsulation.ciphertext), sharedSecret: encapsulation.sharedSecret };
}

export function kyberDecapsulate(
  serializedSecretKey: Uint8Array,
  serializedCiphertext: Uint8Array,
  crypto: CryptoBackend = nobleCryptoBackend,
): Promise<Uint8Array> {
  const secretKey = deserialize(serializedSecretKey, KYBER_1024_SECRET_KEY_LENGTH, 'secret key', SignalProtocolErrorCode.InvalidKey);
  const ciphertext = deserialize(serializedCiphertext, KYBER_1024_CIPHERTEXT_LENGTH, 'ciphertext', SignalProtocolErrorCode.InvalidMessage);
  return crypto.kyber1024Decapsulate(secretKey, ciphertext);
}
