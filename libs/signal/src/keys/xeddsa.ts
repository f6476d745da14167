import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToNumberLittleEndian, concatBytes, numberToBytesLittleEndian, randomBytes } from '../crypto/bytes';
import { clampPrivateKey, rawCurvePublicKey } from './curve-key-pair';
import { edwardsYFromMontgomeryU } from './montgomery-to-edwards';

const Point = ed25519.Point;
const groupOrder = Point.Fn.ORDER;
export const XEDDSA_SIGNATURE_LENGTH = 64;
const SIGN_BIT = 0x80;
// hash1 of the XEdDSA paper: SHA-512 domain-separated by 0xFE ‖ 0xFF×31.
const NONCE_PREFIX = concatBytes(Uint8Array.of(0xfe), new Uint8Array(31).fill(0xff));

function hashToScalar(...parts: Uint8Array[]): bigint {
  return bytesToNumberLittleEndian(sha512(concatBytes(...parts))) % groupOrder;
}

/**
 * XEdDSA as libsignal does it: the Edwards key is k·B without negation, and its sign bit
 * travels in the top bit of the signature's last byte so the verifier can rebuild it.
 */
export function xeddsaSign(privateKey: Uint8Array, message: Uint8Array, random: Uint8Array = randomBytes(64)): Uint8Array {
  const clamped = clampPrivateKey(privateKey);
  const scalar = bytesToNumberLittleEndian(clamped) % groupOrder;
  const edwardsPublicKey = Point.BASE.multiply(scalar).toBytes();
  const nonce = hashToScalar(NONCE_PREFIX, clamped, message, random);
  const commitment = Point.BASE.multiply(nonce).toBytes();
  const challenge = hashToScalar(commitment, edwardsPublicKey, message);
  const response = numberToBytesLittleEndian((nonce + challenge * scalar) % groupOrder, 32);
  response[31]! |= edwardsPublicKey[31]! & SIGN_BIT;
  return concatBytes(commitment, response);
}

export function xeddsaVerify(serializedPublicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== XEDDSA_SIGNATURE_LENGTH) return false;
  const edwardsPublicKey = edwardsYFromMontgomeryU(rawCurvePublicKey(serializedPublicKey));
  if (!edwardsPublicKey) return false;
  edwardsPublicKey[31]! |= signature[63]! & SIGN_BIT;
  const commitment = signature.subarray(0, 32);
  // A copy: Buffer.slice would return a view, and clearing the bit below would alter the caller's signature.
  const responseBytes = Uint8Array.from(signature.subarray(32));
  responseBytes[31]! &= ~SIGN_BIT;
  const response = bytesToNumberLittleEndian(responseBytes);
  if (response >= groupOrder) return false;
  let publicPoint;
  try {
    publicPoint = Point.fromBytes(edwardsPublicKey);
  } catch {
    // u maps to no point with this sign: the key or the sign bit is forged.
    return false;
  }
  const challenge = hashToScalar(commitment, edwardsPublicKey, message);
  const expected = Point.BASE.multiplyUnsafe(response).subtract(publicPoint.multiplyUnsafe(challenge));
  const expectedBytes = expected.toBytes();
  return expectedBytes.every((byte, index) => byte === commitment[index]);
}
