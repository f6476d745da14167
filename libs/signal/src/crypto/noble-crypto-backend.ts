import { cbc } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { nobleEd25519Verify, nobleIsPrimeOrderEdwardsPoint } from '../keys/noble-ed25519';
import { nobleKyber1024 } from '../kyber/noble-kyber1024';
import type { CryptoBackend } from './crypto-backend';

/** Pure-JavaScript backend: runs anywhere, no platform crypto needed. The default. */
export const nobleCryptoBackend: CryptoBackend = {
  hmacSha256: async (key, data) => hmac(sha256, key, data),
  hkdfSha256: async (inputKeyMaterial, salt, info, length) => hkdf(sha256, inputKeyMaterial, salt, info, length),
  aes256CbcEncrypt: async (key, iv, plaintext) => cbc(key, iv).encrypt(plaintext),
  aes256CbcDecrypt: async (key, iv, ciphertext) => cbc(key, iv).decrypt(ciphertext),
  x25519PublicKey: async (privateKey) => x25519.getPublicKey(privateKey),
  x25519SharedSecrets: async (privateKey, publicKeys) => publicKeys.map((publicKey) => x25519.getSharedSecret(privateKey, publicKey)),
  ed25519Verify: async (publicKey, message, signature) => nobleEd25519Verify(publicKey, message, signature),
  isPrimeOrderEdwardsPoint: async (encodedPoint) => nobleIsPrimeOrderEdwardsPoint(encodedPoint),
  kyber1024Encapsulate: async (publicKey) => nobleKyber1024.encapsulate(publicKey),
  kyber1024Decapsulate: async (secretKey, ciphertext) => nobleKyber1024.decapsulate(secretKey, ciphertext),
};
