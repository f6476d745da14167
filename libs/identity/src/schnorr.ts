import { schnorr } from '@noble/curves/secp256k1.js';

const SIGNATURE_BYTES = 64;
const PUBLIC_KEY_BYTES = 32;

/** BIP-340 verification that answers false, never throws, for malformed signatures or keys. */
export function verifySchnorr(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  try {
    return schnorr.verify(signature, digest, publicKey);
  } catch {
    // A key that is not a point on the curve cannot have signed anything.
    return false;
  }
}
