// Node only: imports node:crypto. Reached through `@coming/signal/node`, never from the
// browser-safe index.
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto';
import type { CryptoBackend } from './crypto-backend';

const EMPTY = new Uint8Array(0);

/**
 * Copies a Buffer into a Uint8Array of its own (an ArrayBuffer is wrapped as it is).
 * Buffers slice without copying, and small ones live in a shared pool: a view would expose
 * its neighbours (other keys, other plaintexts) through `.buffer`.
 */
function plainBytes(bytes: Buffer | ArrayBuffer): Uint8Array {
  return new Uint8Array(bytes);
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

// JWK is the fast way to turn raw bytes into a KeyObject: PKCS#8/SPKI DER goes through
// OpenSSL's decoder chain and costs about ten times as much per key. Keys are not cached:
// a cache would keep spent ratchet private keys alive and undo forward secrecy.
function x25519PrivateKeyObject(privateKey: Uint8Array) {
  // Node builds the key from `d` alone, deriving the public half, but insists `x` is a string.
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: base64Url(privateKey), x: '' }, format: 'jwk' });
}

function x25519PublicKeyObject(publicKey: Uint8Array) {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: base64Url(publicKey) }, format: 'jwk' });
}

/**
 * Node's native crypto (OpenSSL): X25519 about ten times faster than noble, and the
 * symmetric primitives without WebCrypto's per-call key import or promise round trips.
 */
export function createNodeCryptoBackend(): CryptoBackend {
  return {
    hmacSha256: async (key, data) => plainBytes(createHmac('sha256', key).update(data).digest()),
    hkdfSha256: async (inputKeyMaterial, salt, info, length) =>
      plainBytes(hkdfSync('sha256', inputKeyMaterial, salt ?? EMPTY, info, length)),
    aes256CbcEncrypt: async (key, iv, plaintext) => {
      const cipher = createCipheriv('aes-256-cbc', key, iv);
      return plainBytes(Buffer.concat([cipher.update(plaintext), cipher.final()]));
    },
    aes256CbcDecrypt: async (key, iv, ciphertext) => {
      const decipher = createDecipheriv('aes-256-cbc', key, iv);
      return plainBytes(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
    },
    x25519PublicKey: async (privateKey) => {
      const { x } = x25519PrivateKeyObject(privateKey).export({ format: 'jwk' });
      return plainBytes(Buffer.from(x!, 'base64url'));
    },
    x25519SharedSecret: async (privateKey, publicKey) =>
      plainBytes(diffieHellman({ privateKey: x25519PrivateKeyObject(privateKey), publicKey: x25519PublicKeyObject(publicKey) })),
  };
}
