import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { concatBytes, constantTimeEqual, randomBytes } from '../crypto/bytes';
import type { RawKyberEncapsulation } from '../crypto/crypto-backend';

export const KYBER_1024_SECRET_KEY_LENGTH = 3168;
const IMPLICIT_REJECTION_SEED_LENGTH = 32;
const ENCAPSULATION_COINS_LENGTH = 32;

/** Round-3 Kyber's final KDF, applied over ML-KEM's pre-key K̄: SHAKE256(K̄ ‖ SHA3-256(c)). */
function kyberSharedSecret(preKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return shake256(concatBytes(preKey, sha3_256(ciphertext)), { dkLen: 32 });
}

/**
 * Round-3 Kyber-1024 over noble's FIPS 203 ML-KEM-1024, which shares its lattice arithmetic:
 * round 3 hashes the encapsulation coins into m, and derives the shared secret from K̄ and
 * the ciphertext's hash. Raw bytes in and out.
 */
export const nobleKyber1024 = {
  /** `coins` are round 3's 32 random bytes (m = SHA3-256(coins)); tests pass the KATs' own. */
  encapsulate(publicKey: Uint8Array, coins: Uint8Array = randomBytes(ENCAPSULATION_COINS_LENGTH)): RawKyberEncapsulation {
    const { cipherText, sharedSecret } = ml_kem1024.encapsulate(publicKey, sha3_256(coins));
    return { ciphertext: cipherText, sharedSecret: kyberSharedSecret(sharedSecret, cipherText) };
  },

  decapsulate(secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const preKey = ml_kem1024.decapsulate(ciphertext, secretKey);
    // ML-KEM's implicit rejection returns SHAKE256(z ‖ c); round-3 Kyber returns
    // SHAKE256(z ‖ SHA3-256(c)). Spot the former and answer the latter.
    const rejectionSeed = secretKey.subarray(KYBER_1024_SECRET_KEY_LENGTH - IMPLICIT_REJECTION_SEED_LENGTH);
    const mlKemRejection = shake256(concatBytes(rejectionSeed, ciphertext), { dkLen: 32 });
    return kyberSharedSecret(constantTimeEqual(preKey, mlKemRejection) ? rejectionSeed : preKey, ciphertext);
  },
};
