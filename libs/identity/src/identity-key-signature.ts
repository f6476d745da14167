import { schnorr } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { publicKeyFromAccountId } from './account-id';

const IDENTITY_TAG_HASH = sha256(utf8ToBytes('coming/identity-key/v1'));

/**
 * The private key of the account's Signal identity key, from the BIP-39 seed. Every
 * device of the account (and every restore) has the same identity key, as Signal's
 * linked devices do; HKDF keeps it independent of the BIP-32 keys from the same seed.
 */
export function signalIdentityKeyFromSeed(seed: Uint8Array): Uint8Array {
  return hkdf(sha256, seed, undefined, utf8ToBytes('coming/signal-identity-key/v1'), 32);
}

/** BIP-340 tagged hash binding a serialized identity key (0x05 ‖ 32) to its account. */
function identityKeyDigest(accountId: string, identityKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(IDENTITY_TAG_HASH, IDENTITY_TAG_HASH, utf8ToBytes(accountId), identityKey));
}

/** The account key vouches for the identity key, so contacts need no trust on first use. */
export function signIdentityKey(accountId: string, identityKey: Uint8Array, accountPrivateKey: Uint8Array): Uint8Array {
  return schnorr.sign(identityKeyDigest(accountId, identityKey), accountPrivateKey);
}

export function verifyIdentityKey(accountId: string, identityKey: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return schnorr.verify(signature, identityKeyDigest(accountId, identityKey), publicKeyFromAccountId(accountId));
  } catch {
    // A malformed account ID or key cannot carry a valid signature.
    return false;
  }
}
