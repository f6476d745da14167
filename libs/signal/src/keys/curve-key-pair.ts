import { x25519 } from '@noble/curves/ed25519.js';
import { concatBytes, constantTimeEqual, randomBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';

/** libsignal's type byte for Curve25519 public keys, prefixed everywhere a key is serialized. */
export const CURVE_KEY_TYPE = 0x05;
export const SERIALIZED_CURVE_PUBLIC_KEY_LENGTH = 33;
const CURVE_PRIVATE_KEY_LENGTH = 32;
const ALL_ZERO_SECRET = new Uint8Array(32);

/** `publicKey` is always serialized (`0x05 ‖ 32`); `privateKey` is the clamped scalar. */
export interface CurveKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export function clampPrivateKey(privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== CURVE_PRIVATE_KEY_LENGTH) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.InvalidKey,
      `private key must be ${CURVE_PRIVATE_KEY_LENGTH} bytes, got ${privateKey.length}`,
    );
  }
  const clamped = Uint8Array.from(privateKey);
  clamped[0]! &= 248;
  clamped[31]! &= 127;
  clamped[31]! |= 64;
  return clamped;
}

function serializeCurvePublicKey(rawPublicKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(CURVE_KEY_TYPE), rawPublicKey);
}

/** Returns the 32 raw bytes of a serialized public key, after checking its type byte and length. */
export function rawCurvePublicKey(serializedPublicKey: Uint8Array): Uint8Array {
  if (serializedPublicKey.length !== SERIALIZED_CURVE_PUBLIC_KEY_LENGTH || serializedPublicKey[0] !== CURVE_KEY_TYPE) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.InvalidKey,
      `public key must be 0x05 followed by 32 bytes, got ${serializedPublicKey.length} bytes starting with ${serializedPublicKey[0]}`,
    );
  }
  return serializedPublicKey.subarray(1);
}

export function curveKeyPairFromPrivateKey(privateKey: Uint8Array): CurveKeyPair {
  const clamped = clampPrivateKey(privateKey);
  return { privateKey: clamped, publicKey: serializeCurvePublicKey(x25519.getPublicKey(clamped)) };
}

export function generateCurveKeyPair(): CurveKeyPair {
  return curveKeyPairFromPrivateKey(randomBytes(CURVE_PRIVATE_KEY_LENGTH));
}

/** Base keys and ratchet keys: made on the hot path, so through the backend. */
export async function generateEphemeralKeyPair(crypto: CryptoBackend): Promise<CurveKeyPair> {
  const privateKey = clampPrivateKey(randomBytes(CURVE_PRIVATE_KEY_LENGTH));
  return { privateKey, publicKey: serializeCurvePublicKey(await crypto.x25519PublicKey(privateKey)) };
}

/**
 * X25519 of one private key with each public key, in order: the backend prepares the private
 * key once. Rejects peers whose key gives an all-zero secret (small-order points).
 */
export async function calculateAgreements(
  privateKey: Uint8Array,
  serializedPublicKeys: Uint8Array[],
  crypto: CryptoBackend = nobleCryptoBackend,
): Promise<Uint8Array[]> {
  const publicKeys = serializedPublicKeys.map(rawCurvePublicKey);
  let sharedSecrets;
  try {
    sharedSecrets = await crypto.x25519SharedSecrets(privateKey, publicKeys);
  } catch (error) {
    throw new SignalProtocolError(SignalProtocolErrorCode.InvalidKey, `key agreement failed: ${(error as Error).message}`);
  }
  // Backends may return the all-zero secret instead of throwing; it must never key a session.
  // In constant time, so the timing does not tell where the secret's first non-zero byte is.
  if (sharedSecrets.some((sharedSecret) => constantTimeEqual(sharedSecret, ALL_ZERO_SECRET))) {
    throw new SignalProtocolError(SignalProtocolErrorCode.InvalidKey, 'key agreement failed: the public key has small order');
  }
  return sharedSecrets;
}

/** X25519 of one key pair; see `calculateAgreements`. */
export async function calculateAgreement(
  privateKey: Uint8Array,
  serializedPublicKey: Uint8Array,
  crypto: CryptoBackend = nobleCryptoBackend,
): Promise<Uint8Array> {
  const [sharedSecret] = await calculateAgreements(privateKey, [serializedPublicKey], crypto);
  return sharedSecret!;
}
