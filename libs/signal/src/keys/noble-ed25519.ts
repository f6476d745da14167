import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToNumberLittleEndian, concatBytes, constantTimeEqual } from '../crypto/bytes';

const Point = ed25519.Point;
export const ED25519_GROUP_ORDER = Point.Fn.ORDER;

/** SHA-512 of the parts, reduced modulo the group order: Ed25519's and XEdDSA's hash to scalar. */
export function hashToScalar(...parts: Uint8Array[]): bigint {
  return bytesToNumberLittleEndian(sha512(concatBytes(...parts))) % ED25519_GROUP_ORDER;
}

/**
 * Strict, cofactorless RFC 8032 verification, as OpenSSL does it: noble's own `verify` is
 * cofactored (and ZIP 215 by default), which accepts signatures that OpenSSL and libsignal
 * reject.
 */
export function nobleEd25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const commitment = signature.subarray(0, 32);
  const response = bytesToNumberLittleEndian(signature.subarray(32));
  if (response >= ED25519_GROUP_ORDER) return false;
  let publicPoint;
  try {
    publicPoint = Point.fromBytes(publicKey);
  } catch {
    return false;
  }
  const challenge = hashToScalar(commitment, publicKey, message);
  const expected = Point.BASE.multiplyUnsafe(response).subtract(publicPoint.multiplyUnsafe(challenge));
  return constantTimeEqual(expected.toBytes(), commitment);
}

export function nobleIsPrimeOrderEdwardsPoint(encodedPoint: Uint8Array): boolean {
  try {
    const point = Point.fromBytes(encodedPoint);
    return !point.is0() && point.isTorsionFree();
  } catch {
    // Not decodable: not on the curve, or not canonical.
    return false;
  }
}
