import { cbc } from '@noble/ciphers/aes.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { describe, expect, it } from 'vitest';
import { calculateAgreement, CURVE_KEY_TYPE } from '../keys/curve-key-pair';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { ED25519_GROUP_ORDER } from '../keys/noble-ed25519';
import { bytesToNumberLittleEndian, concatBytes, numberToBytesLittleEndian, randomBytes } from './bytes';
import type { CryptoBackend } from './crypto-backend';
import { createNodeCryptoBackend } from './node-crypto-backend';
import { nobleCryptoBackend } from './noble-crypto-backend';
import { createWebCryptoBackend } from './web-crypto-backend';

// u = 0, 1 and p - 1 (the point of order 2): small-order points whose secret is all zeros.
const SMALL_ORDER_POINTS = [
  new Uint8Array(32),
  Uint8Array.of(1, ...new Uint8Array(31)),
  Uint8Array.of(0xec, ...new Uint8Array(30).fill(0xff), 0x7f),
];

// A point of order 8: adding it takes a point out of the prime-order subgroup.
const SMALL_ORDER_EDWARDS_POINT = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');

function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const flipped = Uint8Array.from(bytes);
  flipped[index % bytes.length]! ^= 1 << (index % 8);
  return flipped;
}

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
      expect(await backend.x25519SharedSecrets(privateKey, [publicKey])).toEqual(
        await nobleCryptoBackend.x25519SharedSecrets(privateKey, [publicKey]),
      );
    }
  });

  it('agrees on several X25519 shared secrets of one private key, in order', async () => {
    const privateKey = randomBytes(32);
    const publicKeys = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const secrets = await backend.x25519SharedSecrets(privateKey, publicKeys);
    expect(secrets).toEqual(await nobleCryptoBackend.x25519SharedSecrets(privateKey, publicKeys));
    expect(new Set(secrets.map((secret) => secret.toString())).size).toBe(3);
  });

  it('gives the same Ed25519 verdicts on valid, tampered and malformed signatures', async () => {
    const message = randomBytes(200);
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [];
    for (let round = 0; round < 8; round++) {
      const secretKey = ed25519.utils.randomSecretKey();
      const publicKey = ed25519.getPublicKey(secretKey);
      const signature = ed25519.sign(message, secretKey);
      const withLargeS = numberToBytesLittleEndian(bytesToNumberLittleEndian(signature.subarray(32)) + ED25519_GROUP_ORDER, 32);
      cases.push(
        [publicKey, message, signature],
        [publicKey, randomBytes(200), signature],
        [publicKey, message, flipBit(signature, round)],
        [publicKey, message, flipBit(signature, 32 + round)],
        [flipBit(publicKey, round), message, signature],
        [publicKey, message, concatBytes(signature.subarray(0, 32), withLargeS)],
      );
    }
    // Not points: y = 2 is off the curve; y = p is a non-canonical encoding of y = 0.
    const offCurve = Uint8Array.of(2, ...new Uint8Array(31));
    const nonCanonical = Uint8Array.of(0xed, ...new Uint8Array(30).fill(0xff), 0x7f);
    cases.push([offCurve, message, randomBytes(64)], [nonCanonical, message, randomBytes(64)]);
    const verdicts = async (crypto: CryptoBackend) =>
      Promise.all(cases.map(([publicKey, signed, signature]) => crypto.ed25519Verify(publicKey, signed, signature)));
    const expected = await verdicts(nobleCryptoBackend);
    expect(expected.filter(Boolean)).toHaveLength(8);
    expect(await verdicts(backend)).toEqual(expected);
  });

  it('gives the same verdicts on prime-order, small-order, mixed-order and invalid Edwards points', async () => {
    const primeOrder = Array.from({ length: 8 }, (_, round) => ed25519.Point.BASE.multiply(BigInt(1 + round * 7919)));
    const rejected = [
      ...primeOrder.map((point) => point.add(SMALL_ORDER_EDWARDS_POINT).toBytes()),
      // A component of order 2, (0, −1): what the Montgomery map u ↦ 1/u adds.
      ...primeOrder.map((point) => point.add(SMALL_ORDER_EDWARDS_POINT.multiply(4n)).toBytes()),
      SMALL_ORDER_EDWARDS_POINT.toBytes(),
      ed25519.Point.ZERO.toBytes(),
      new Uint8Array(32).fill(0xff),
    ];
    // Random encodings: about half decode, and an eighth of those have prime order.
    const unknown = Array.from({ length: 32 }, () => randomBytes(32));
    const points = [...primeOrder.map((point) => point.toBytes()), ...rejected, ...unknown];
    const verdicts = async (crypto: CryptoBackend) => Promise.all(points.map((point) => crypto.isPrimeOrderEdwardsPoint(point)));
    const expected = await verdicts(nobleCryptoBackend);
    expect(expected.slice(0, primeOrder.length + rejected.length)).toEqual([...primeOrder.map(() => true), ...rejected.map(() => false)]);
    expect(await verdicts(backend)).toEqual(expected);
  });

  it('has calculateAgreement reject small-order public keys', async () => {
    for (const point of SMALL_ORDER_POINTS) {
      await expect(calculateAgreement(randomBytes(32), concatBytes(Uint8Array.of(CURVE_KEY_TYPE), point), backend)).rejects.toMatchObject({
        code: SignalProtocolErrorCode.InvalidKey,
      });
    }
  });

  it('takes Buffers as well as Uint8Arrays, as protobuf decoders hand them out', async () => {
    const { publicKey, secretKey } = ml_kem1024.keygen();
    const { ciphertext, sharedSecret } = await backend.kyber1024Encapsulate(Buffer.from(publicKey));
    expect(await backend.kyber1024Decapsulate(Buffer.from(secretKey), Buffer.from(ciphertext))).toEqual(sharedSecret);
    const privateKey = Buffer.from(randomBytes(32));
    const peerKey = Buffer.from(randomBytes(32));
    expect(await backend.x25519SharedSecrets(privateKey, [peerKey])).toEqual(
      await nobleCryptoBackend.x25519SharedSecrets(privateKey, [peerKey]),
    );
    const edwardsSecretKey = ed25519.utils.randomSecretKey();
    const message = Buffer.from(randomBytes(40));
    const signature = Buffer.from(ed25519.sign(message, edwardsSecretKey));
    expect(await backend.ed25519Verify(Buffer.from(ed25519.getPublicKey(edwardsSecretKey)), message, signature)).toBe(true);
    expect(await backend.isPrimeOrderEdwardsPoint(Buffer.from(ed25519.Point.BASE.toBytes()))).toBe(true);
  });

  it('returns plain Uint8Arrays that own their memory', async () => {
    const outputs = [
      await backend.hmacSha256(randomBytes(32), randomBytes(1)),
      await backend.hkdfSha256(randomBytes(32), undefined, randomBytes(1), 80),
      await backend.aes256CbcEncrypt(randomBytes(32), randomBytes(16), randomBytes(1)),
      await backend.x25519PublicKey(randomBytes(32)),
      ...(await backend.x25519SharedSecrets(randomBytes(32), [randomBytes(32)])),
      (await backend.kyber1024Encapsulate(ml_kem1024.keygen().publicKey)).ciphertext,
    ];
    for (const output of outputs) {
      expect(Object.getPrototypeOf(output)).toBe(Uint8Array.prototype);
      expect(output.buffer.byteLength).toBe(output.byteLength);
    }
  });
});
