import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLittleEndian, numberToBytesLittleEndian } from '../crypto/bytes';

const field = ed25519.Point.Fp;

/**
 * Maps a Montgomery u-coordinate to the encoded Edwards y-coordinate, y = (u - 1) / (u + 1),
 * with the sign bit clear. Returns undefined for u = -1, which has no Edwards image.
 */
export function edwardsYFromMontgomeryU(rawPublicKey: Uint8Array): Uint8Array | undefined {
  const u = field.create(bytesToNumberLittleEndian(rawPublicKey) & ((1n << 255n) - 1n));
  const denominator = field.add(u, field.ONE);
  if (field.is0(denominator)) return undefined;
  const y = field.div(field.sub(u, field.ONE), denominator);
  return numberToBytesLittleEndian(y, 32);
}

/**
 * True when the u-coordinate is below p with bit 255 clear, lies on the curve (not the twist)
 * and is in the prime-order subgroup: the checks a responder makes on an initiator's base key.
 */
export function isCanonicalTorsionFreeMontgomeryPoint(rawPublicKey: Uint8Array): boolean {
  if ((rawPublicKey[31]! & 0x80) !== 0 || bytesToNumberLittleEndian(rawPublicKey) >= field.ORDER) return false;
  const encodedY = edwardsYFromMontgomeryU(rawPublicKey);
  if (!encodedY) return false;
  try {
    return ed25519.Point.fromBytes(encodedY).isTorsionFree();
  } catch {
    // Not decodable: u is on the quadratic twist, not on Curve25519.
    return false;
  }
}
