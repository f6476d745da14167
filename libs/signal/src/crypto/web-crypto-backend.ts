import type { CryptoBackend } from './crypto-backend';
import { nobleCryptoBackend } from './noble-crypto-backend';

/** Hands our views to WebCrypto, whose typings want ArrayBuffer-backed arrays. */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

/**
 * The platform's WebCrypto (browsers, Node ≥ 20, Deno, Bun). Every call imports its key,
 * so it pays off for large payloads rather than for the ratchet's 32-byte HMACs.
 * X25519 stays on noble: WebCrypto has it only in recent browsers, and importing a raw
 * private key (PKCS#8) each call costs most of what native code saves. So does Ed25519, for
 * the same reason, and WebCrypto has neither Kyber nor point validation.
 */
export function createWebCryptoBackend(subtle: typeof globalThis.crypto.subtle = globalThis.crypto.subtle): CryptoBackend {
  return {
    // X25519 and the session-setup primitives (Ed25519, point checks, Kyber) stay on noble.
    ...nobleCryptoBackend,
    async hmacSha256(key, data) {
      const hmacKey = await subtle.importKey('raw', buffer(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return new Uint8Array(await subtle.sign('HMAC', hmacKey, buffer(data)));
    },
    async hkdfSha256(inputKeyMaterial, salt, info, length) {
      const hkdfKey = await subtle.importKey('raw', buffer(inputKeyMaterial), 'HKDF', false, ['deriveBits']);
      // An empty salt is the RFC 5869 default: HMAC pads it to 32 zero bytes.
      const parameters = { name: 'HKDF', hash: 'SHA-256', salt: buffer(salt ?? new Uint8Array(0)), info: buffer(info) };
      return new Uint8Array(await subtle.deriveBits(parameters, hkdfKey, length * 8));
    },
    async aes256CbcEncrypt(key, iv, plaintext) {
      const aesKey = await subtle.importKey('raw', buffer(key), 'AES-CBC', false, ['encrypt']);
      return new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: buffer(iv) }, aesKey, buffer(plaintext)));
    },
    async aes256CbcDecrypt(key, iv, ciphertext) {
      const aesKey = await subtle.importKey('raw', buffer(key), 'AES-CBC', false, ['decrypt']);
      return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: buffer(iv) }, aesKey, buffer(ciphertext)));
    },
  };
}
