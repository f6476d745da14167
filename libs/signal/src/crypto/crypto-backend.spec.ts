import { cbc } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { calculateAgreement, CURVE_KEY_TYPE } from '../keys/curve-key-pair';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { concatBytes, randomBytes } from './bytes';
import { createNodeCryptoBackend } from './node-crypto-backend';
import { nobleCryptoBackend } from './noble-crypto-backend';
import { createWebCryptoBackend } from './web-crypto-backend';

// u = 0, 1 and p - 1 (the point of order 2): small-order points whose secret is all zeros.
const SMALL_ORDER_POINTS = [
  new Uint8Array(32),
  Uint8Array.of(1, ...new Uint8Array(31)),
  Uint8Array.of(0xec, ...new Uint8Array(30).fill(0xff), 0x7f),
];

/** Public keys that X25519 implementations must all decode alike (RFC 7748 §5). */
function unusualPublicKeys(): Uint8Array[] {
  const highBit = randomBytes(32);
  highBit[31]! |= 0x80;
  // p + 9: non-canonical, reduces to the base point.
  const nonCanonical = Uint8Array.of(0xf6, ...new Uint8Array(30).fill(0xff), 0x7f);
  return [randomBytes(32), highBit, nonCanonical];
}

describe.each([
  ['WebCrypto', createWebCryptoBackend()],
  ['node:crypto', createNodeCryptoBackend()],
])('the %s crypto backend, against noble', (_name, backend) => {
  it('agrees on HMAC-SHA256', async () => {
    const key = randomBytes(32);
    const data = randomBytes(100);
    expect(await backend.hmacSha256(key, data)).toEqual(await nobleCryptoBackend.hmacSha256(key, data));
  });

  it.each([undefined, randomBytes(32)])('agrees on HKDF-SHA256 (salt %s)', async (salt) => {
    const inputKeyMaterial = randomBytes(64);
    const info = randomBytes(10);
    expect(await backend.hkdfSha256(inputKeyMaterial, salt, info, 96)).toEqual(
      await nobleCryptoBackend.hkdfSha256(inputKeyMaterial, salt, info, 96),
    );
  });

  it.each([0, 15, 16, 1024])('agrees on AES-256-CBC with PKCS#7 for %d bytes', async (length) => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const plaintext = randomBytes(length);
    const ciphertext = await nobleCryptoBackend.aes256CbcEncrypt(key, iv, plaintext);
    expect(await backend.aes256CbcEncrypt(key, iv, plaintext)).toEqual(ciphertext);
    expect(await backend.aes256CbcDecrypt(key, iv, ciphertext)).toEqual(plaintext);
  });

  it('rejects bad padding, as noble does', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    // Encrypted without padding, a block ending in 0x00 decrypts to an invalid PKCS#7 pad.
    const garbage = cbc(key, iv, { disablePadding: true }).encrypt(new Uint8Array(16));
    await expect(nobleCryptoBackend.aes256CbcDecrypt(key, iv, garbage)).rejects.toThrow();
    await expect(backend.aes256CbcDecrypt(key, iv, garbage)).rejects.toThrow();
  });

  it('derives the same X25519 public keys, clamping unclamped private keys alike', async () => {
    for (const privateKey of [randomBytes(32), new Uint8Array(32).fill(0xff), new Uint8Array(32)]) {
      expect(await backend.x25519PublicKey(privateKey)).toEqual(await nobleCryptoBackend.x25519PublicKey(privateKey));
    }
  });

  it('agrees on X25519 shared secrets, for high-bit and non-canonical public keys too', async () => {
    const privateKey = randomBytes(32);
    for (const publicKey of unusualPublicKeys()) {
      expect(await backend.x25519SharedSecret(privateKey, publicKey)).toEqual(
        await nobleCryptoBackend.x25519SharedSecret(privateKey, publicKey),
      );
    }
  });

  it('has calculateAgreement reject small-order public keys', async () => {
    for (const point of SMALL_ORDER_POINTS) {
      await expect(calculateAgreement(randomBytes(32), concatBytes(Uint8Array.of(CURVE_KEY_TYPE), point), backend)).rejects.toMatchObject({
        code: SignalProtocolErrorCode.InvalidKey,
      });
    }
  });

  it('returns plain Uint8Arrays that own their memory', async () => {
    const outputs = [
      await backend.hmacSha256(randomBytes(32), randomBytes(1)),
      await backend.hkdfSha256(randomBytes(32), undefined, randomBytes(1), 80),
      await backend.aes256CbcEncrypt(randomBytes(32), randomBytes(16), randomBytes(1)),
      await backend.x25519PublicKey(randomBytes(32)),
      await backend.x25519SharedSecret(randomBytes(32), randomBytes(32)),
    ];
    for (const output of outputs) {
      expect(Object.getPrototypeOf(output)).toBe(Uint8Array.prototype);
      expect(output.buffer.byteLength).toBe(output.byteLength);
    }
  });
});
