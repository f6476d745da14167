import { utf8ToBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { calculateAgreement } from '../keys/curve-key-pair';

const ROOT_RATCHET_INFO = utf8ToBytes('WhisperRatchet');

export interface RootStep {
  rootKey: Uint8Array;
  chainKey: Uint8Array;
}

/** The Diffie-Hellman ratchet's KDF: HKDF(salt = root key, ikm = DH output) → root key ‖ chain key. */
export async function stepRootKey(
  rootKey: Uint8Array,
  theirRatchetKey: Uint8Array,
  ourRatchetPrivateKey: Uint8Array,
  crypto: CryptoBackend,
): Promise<RootStep> {
  const sharedSecret = await calculateAgreement(ourRatchetPrivateKey, theirRatchetKey, crypto);
  const keyMaterial = await crypto.hkdfSha256(sharedSecret, rootKey, ROOT_RATCHET_INFO, 64);
  return { rootKey: keyMaterial.slice(0, 32), chainKey: keyMaterial.slice(32, 64) };
}
