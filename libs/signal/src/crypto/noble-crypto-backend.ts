import { cbc } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoBackend } from './crypto-backend';

/** Pure-JavaScript backend: runs anywhere, no platform crypto needed. */
export const nobleCryptoBackend: CryptoBackend = {
  hmacSha256: async (key, data) => hmac(sha256, key, data),
  hkdfSha256: async (inputKeyMaterial, salt, info, length) => hkdf(sha256, inputKeyMaterial, salt, info, length),
  aes256CbcEncrypt: async (key, iv, plaintext) => cbc(key, iv).encrypt(plaintext),
  aes256CbcDecrypt: async (key, iv, ciphertext) => cbc(key, iv).decrypt(ciphertext),
  x25519PublicKey: async (privateKey) => x25519.getPublicKey(privateKey),
  x25519SharedSecret: async (privateKey, publicKey) => x25519.getSharedSecret(privateKey, publicKey),
};
