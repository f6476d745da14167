// Node only: imports node:crypto, a native addon (sodium-native) and a WASM build of liboqs.
// Reached through `@coming/signal/node`, never from the browser-safe index.
import type { Kyber1024 } from '@oqs/liboqs-js';
import { createCipheriv, createDecipheriv, createHmac, createPublicKey, hkdfSync, verify } from 'node:crypto';
import { crypto_scalarmult, crypto_scalarmult_base, crypto_scalarmult_ed25519_noclamp } from 'sodium-native';
import { numberToBytesLittleEndian } from './bytes';
import { ED25519_GROUP_ORDER } from '../keys/noble-ed25519';
import type { CryptoBackend } from './crypto-backend';

const EMPTY = new Uint8Array(0);
const GROUP_ORDER_PLUS_ONE = Buffer.from(numberToBytesLittleEndian(ED25519_GROUP_ORDER + 1n, 32));

/**
 * Copies a Buffer into a Uint8Array of its own (an ArrayBuffer is wrapped as it is).
 * Buffers slice without copying, and small ones live in a shared pool: a view would expose
 * its neighbours (other keys, other plaintexts) through `.buffer`.
 */
function plainBytes(bytes: Buffer | ArrayBuffer): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * A plain Uint8Array view of the same bytes: liboqs's wrapper checks the constructor's name,
 * and refuses the Buffers that protobuf decoders and Node APIs hand out.
 */
function asUint8Array(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// JWK is the fast way to turn raw bytes into a KeyObject: SPKI DER goes through OpenSSL's
// decoder chain and costs about ten times as much per key.
function ed25519PublicKeyObject(publicKey: Uint8Array) {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: asBuffer(publicKey).toString('base64url') }, format: 'jwk' });
}

/**
 * libsodium's X25519 (RFC 7748: it clamps the scalar and ignores bit 255 of u) on raw bytes,
 * the public key when no peer key is given. Two to five times faster than node:crypto, which
 * must import every key as a KeyObject first. Throws on an all-zero secret (a small-order
 * peer key), which `calculateAgreements` reports as INVALID_KEY.
 */
function x25519(privateKey: Uint8Array, publicKey?: Uint8Array): Uint8Array {
  const output = Buffer.alloc(32);
  if (publicKey) crypto_scalarmult(output, asBuffer(privateKey), asBuffer(publicKey));
  else crypto_scalarmult_base(output, asBuffer(privateKey));
  return plainBytes(output);
}

/**
 * [L + 1]P = P exactly when P has prime order L. libsodium first refuses non-canonical,
 * off-curve and small-order encodings, and points with a component of order 4 or 8.
 * `crypto_core_ed25519_is_valid_point` alone is not enough: its subgroup check lets points
 * with a component of order 2 through, and those become Montgomery keys u' = 1/u.
 */
function isPrimeOrderEdwardsPoint(encodedPoint: Uint8Array): boolean {
  if (encodedPoint.length !== 32) return false;
  const point = Buffer.from(encodedPoint);
  const product = Buffer.alloc(32);
  try {
    crypto_scalarmult_ed25519_noclamp(product, GROUP_ORDER_PLUS_ONE, point);
  } catch {
    // libsodium refused the point, or the product was the identity.
    return false;
  }
  return product.equals(point);
}

/**
 * liboqs's round-3 Kyber-1024 (its "Kyber1024", not its ML-KEM), compiled to WASM. The
 * package is ESM and starts asynchronously, so it loads on first use, once per backend.
 */
function lazyKyber1024(): () => Promise<Kyber1024> {
  let instance: Promise<Kyber1024> | undefined;
  return () => (instance ??= importLiboqs().then((liboqs) => liboqs.createKyber1024()));
}

type Liboqs = typeof import('@oqs/liboqs-js');

// A constant body with no input, so nothing can be injected; the rule targets eval of data.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importOutsideTranspiler = new Function("return import('@oqs/liboqs-js')") as () => Promise<Liboqs>;

/**
 * The package is ESM with an import-only exports map. Compiled to CommonJS (as the services
 * and the SDK run), `import()` becomes `require()`, which that map refuses; a Function's
 * body keeps a real dynamic import there. Module runners without dynamic-import hooks (the
 * test runner) need the plain `import()`, which they handle themselves.
 */
async function importLiboqs(): Promise<Liboqs> {
  try {
    return await import('@oqs/liboqs-js');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    return importOutsideTranspiler();
  }
}

/**
 * Node's native crypto (OpenSSL) for Ed25519 and the symmetric primitives, libsodium for
 * X25519 and point validation, liboqs for Kyber: several times faster than noble at every step.
 */
export function createNodeCryptoBackend(): CryptoBackend {
  const kyber1024 = lazyKyber1024();
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
    x25519PublicKey: async (privateKey) => x25519(privateKey),
    x25519SharedSecrets: async (privateKey, publicKeys) => publicKeys.map((publicKey) => x25519(privateKey, publicKey)),
    ed25519Verify: async (publicKey, message, signature) => {
      let key;
      try {
        key = ed25519PublicKeyObject(publicKey);
      } catch {
        // OpenSSL refuses to import an encoding that is not a point: no signature verifies.
        return false;
      }
      return verify(null, message, key, signature);
    },
    isPrimeOrderEdwardsPoint: async (encodedPoint) => isPrimeOrderEdwardsPoint(encodedPoint),
    kyber1024Encapsulate: async (publicKey) => (await kyber1024()).encapsulate(asUint8Array(publicKey)),
    kyber1024Decapsulate: async (secretKey, ciphertext) =>
      (await kyber1024()).decapsulate(asUint8Array(ciphertext), asUint8Array(secretKey)),
  };
}
