import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLittleEndian, numberToBytesLittleEndian } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';

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
 * The point and its negation share y and their order, so the sign bit may stay clear.
 */
export async function isCanonicalTorsionFreeMontgomeryPoint(
  rawPublicKey: Uint8Array,
  crypto: CryptoBackend = nobleCryptoBackend,
): Promise<boolean> {
  if ((rawPublicKey[31]! & 0x80) !== 0 || bytesToNumberLittleEndian(rawPublicKey) >= field.ORDER) return false;
  const encodedY = edwardsYFromMontgomeryU(rawPublicKey);
  return encodedY !== undefined && crypto.isPrimeOrderEdwardsPoint(encodedY);
}
