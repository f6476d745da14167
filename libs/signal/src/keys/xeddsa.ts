import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLittleEndian, concatBytes, constantTimeEqual, numberToBytesLittleEndian, randomBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { clampPrivateKey, rawCurvePublicKey } from './curve-key-pair';
import { edwardsYFromMontgomeryU } from './montgomery-to-edwards';
import { ED25519_GROUP_ORDER, hashToScalar, nobleEd25519Verify } from './noble-ed25519';

const Point = ed25519.Point;
export const XEDDSA_SIGNATURE_LENGTH = 64;
const SIGN_BIT = 0x80;
// hash1 of the XEdDSA paper: SHA-512 domain-separated by 0xFE ‖ 0xFF×31.
const NONCE_PREFIX = concatBytes(Uint8Array.of(0xfe), new Uint8Array(31).fill(0xff));
// y = −1 is the Edwards image of u = 0, whose x is 0: with the sign bit set it encodes
// "negative zero", which noble refuses to decode and OpenSSL may not. Refused up front.
const NEGATIVE_ONE_Y = numberToBytesLittleEndian(ed25519.Point.Fp.ORDER - 1n, 32);

/**
 * XEdDSA as libsignal does it: the Edwards key is k·B without negation, and its sign bit
 * travels in the top bit of the signature's last byte so the verifier can rebuild it.
 */
export function xeddsaSign(privateKey: Uint8Array, message: Uint8Array, random: Uint8Array = randomBytes(64)): Uint8Array {
  const clamped = clampPrivateKey(privateKey);
  const scalar = bytesToNumberLittleEndian(clamped) % ED25519_GROUP_ORDER;
  const edwardsPublicKey = Point.BASE.multiply(scalar).toBytes();
  const nonce = hashToScalar(NONCE_PREFIX, clamped, message, random);
  const commitment = Point.BASE.multiply(nonce).toBytes();
  const challenge = hashToScalar(commitment, edwardsPublicKey, message);
  const response = numberToBytesLittleEndian((nonce + challenge * scalar) % ED25519_GROUP_ORDER, 32);
  response[31]! |= edwardsPublicKey[31]! & SIGN_BIT;
  return concatBytes(commitment, response);
}

/**
 * The Ed25519 verification an XEdDSA signature amounts to: the Montgomery key's Edwards form
 * with the sign bit the signature carries, and the signature with that bit cleared. Undefined
 * when no Edwards key matches. s is then checked below L, stricter than libsignal, which
 * also accepts s + L (see the README).
 */
function asEd25519(serializedPublicKey: Uint8Array, signature: Uint8Array): { publicKey: Uint8Array; signature: Uint8Array } | undefined {
  if (signature.length !== XEDDSA_SIGNATURE_LENGTH) return undefined;
  const publicKey = edwardsYFromMontgomeryU(rawCurvePublicKey(serializedPublicKey));
  const signBit = signature[63]! & SIGN_BIT;
  if (!publicKey || (signBit !== 0 && constantTimeEqual(publicKey, NEGATIVE_ONE_Y))) return undefined;
  publicKey[31]! |= signBit;
  // A copy: Buffer.slice would return a view, and clearing the bit would alter the caller's signature.
  const ed25519Signature = Uint8Array.from(signature);
  ed25519Signature[63]! &= ~SIGN_BIT;
  return { publicKey, signature: ed25519Signature };
}

/** Synchronous, on noble: for callers outside a session, such as a server checking uploads. */
export function xeddsaVerify(serializedPublicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const ed25519Form = asEd25519(serializedPublicKey, signature);
  return ed25519Form !== undefined && nobleEd25519Verify(ed25519Form.publicKey, message, ed25519Form.signature);
}

/** The same verdict as `xeddsaVerify`, through a backend's Ed25519 (node:crypto's is ten times faster). */
export async function xeddsaVerifyAsync(
  serializedPublicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  crypto: CryptoBackend = nobleCryptoBackend,
): Promise<boolean> {
  const ed25519Form = asEd25519(serializedPublicKey, signature);
  return ed25519Form !== undefined && crypto.ed25519Verify(ed25519Form.publicKey, message, ed25519Form.signature);
}
