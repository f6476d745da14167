import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { bytesToNumberLittleEndian, numberToBytesLittleEndian } from '../crypto/bytes';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { calculateAgreement, curveKeyPairFromPrivateKey, generateCurveKeyPair, rawCurvePublicKey } from './curve-key-pair';
import { isCanonicalTorsionFreeMontgomeryPoint } from './montgomery-to-edwards';

describe('Curve25519 key pairs', () => {
  it('serializes public keys as 0x05 followed by 32 bytes', () => {
    const { publicKey } = generateCurveKeyPair();
    expect(publicKey).toHaveLength(33);
    expect(publicKey[0]).toBe(0x05);
  });

  it('clamps the private key the way libsignal does', () => {
    const keyPair = curveKeyPairFromPrivateKey(new Uint8Array(32).fill(0xff));
    expect(keyPair.privateKey[0]).toBe(0xf8);
    expect(keyPair.privateKey[31]).toBe(0x7f);
  });

  it('agrees on one secret from both sides', async () => {
    const alice = generateCurveKeyPair();
    const bob = generateCurveKeyPair();
    expect(await calculateAgreement(alice.privateKey, bob.publicKey)).toEqual(await calculateAgreement(bob.privateKey, alice.publicKey));
  });

  it('rejects an all-zero secret even from a backend that returns it instead of throwing', async () => {
    const lenientBackend = { ...nobleCryptoBackend, x25519SharedSecrets: async () => [new Uint8Array(32)] };
    const { privateKey, publicKey } = generateCurveKeyPair();
    await expect(calculateAgreement(privateKey, publicKey, lenientBackend)).rejects.toMatchObject({
      code: SignalProtocolErrorCode.InvalidKey,
    });
  });

  it('rejects a public key without the type byte', () => {
    expect(() => rawCurvePublicKey(new Uint8Array(32))).toThrow(expect.objectContaining({ code: SignalProtocolErrorCode.InvalidKey }));
  });

  it('accepts generated keys as canonical and torsion-free base keys', async () => {
    for (let round = 0; round < 8; round++) {
      expect(await isCanonicalTorsionFreeMontgomeryPoint(rawCurvePublicKey(generateCurveKeyPair().publicKey))).toBe(true);
    }
  });

  it('rejects small-order, non-canonical and high-bit base keys', async () => {
    const zero = new Uint8Array(32);
    const one = Uint8Array.of(1, ...new Uint8Array(31));
    const prime = Uint8Array.of(0xed, ...new Uint8Array(30).fill(0xff), 0x7f);
    const highBit = rawCurvePublicKey(generateCurveKeyPair().publicKey).slice();
    highBit[31]! |= 0x80;
    for (const key of [zero, one, prime, highBit]) expect(await isCanonicalTorsionFreeMontgomeryPoint(key)).toBe(false);
  });

  it('rejects a key whose point has a small-order component', async () => {
    // u ↦ 1/u adds the order-2 point (0, 0), which takes the key out of the prime-order subgroup.
    const field = ed25519.Point.Fp;
    const u = bytesToNumberLittleEndian(rawCurvePublicKey(generateCurveKeyPair().publicKey));
    expect(await isCanonicalTorsionFreeMontgomeryPoint(numberToBytesLittleEndian(field.inv(u), 32))).toBe(false);
  });
});
