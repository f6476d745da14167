import { cbc } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { randomBytes } from './bytes';
import { nobleCryptoBackend } from './noble-crypto-backend';
import { createWebCryptoBackend } from './web-crypto-backend';

describe('crypto backends', () => {
  const webCrypto = createWebCryptoBackend();

  it('agree on HMAC-SHA256', async () => {
    const key = randomBytes(32);
    const data = randomBytes(100);
    expect(await webCrypto.hmacSha256(key, data)).toEqual(await nobleCryptoBackend.hmacSha256(key, data));
  });

  it.each([undefined, randomBytes(32)])('agree on HKDF-SHA256 (salt %s)', async (salt) => {
    const inputKeyMaterial = randomBytes(64);
    const info = randomBytes(10);
    expect(await webCrypto.hkdfSha256(inputKeyMaterial, salt, info, 96)).toEqual(
      await nobleCryptoBackend.hkdfSha256(inputKeyMaterial, salt, info, 96),
    );
  });

  it.each([0, 15, 16, 1024])('agree on AES-256-CBC with PKCS#7 for %d bytes', async (length) => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const plaintext = randomBytes(length);
    const ciphertext = await nobleCryptoBackend.aes256CbcEncrypt(key, iv, plaintext);
    expect(await webCrypto.aes256CbcEncrypt(key, iv, plaintext)).toEqual(ciphertext);
    expect(await webCrypto.aes256CbcDecrypt(key, iv, ciphertext)).toEqual(plaintext);
  });

  it('both reject bad padding', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    // Encrypted without padding, a block ending in 0x00 decrypts to an invalid PKCS#7 pad.
    const garbage = cbc(key, iv, { disablePadding: true }).encrypt(new Uint8Array(16));
    await expect(nobleCryptoBackend.aes256CbcDecrypt(key, iv, garbage)).rejects.toThrow();
    await expect(webCrypto.aes256CbcDecrypt(key, iv, garbage)).rejects.toThrow();
  });
});
