import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../crypto/bytes';
import { generateCurveKeyPair } from './curve-key-pair';
import { xeddsaSign, xeddsaVerify } from './xeddsa';

describe('XEdDSA', () => {
  const message = utf8ToBytes('the serialized signed prekey');

  it('verifies its own signatures for many keys, whatever their Edwards sign', () => {
    for (let round = 0; round < 32; round++) {
      const keyPair = generateCurveKeyPair();
      const signature = xeddsaSign(keyPair.privateKey, message);
      expect(signature).toHaveLength(64);
      expect(xeddsaVerify(keyPair.publicKey, message, signature)).toBe(true);
    }
  });

  it('rejects a signature over another message', () => {
    const keyPair = generateCurveKeyPair();
    expect(xeddsaVerify(keyPair.publicKey, utf8ToBytes('other'), xeddsaSign(keyPair.privateKey, message))).toBe(false);
  });

  it('rejects a signature under another key', () => {
    const signature = xeddsaSign(generateCurveKeyPair().privateKey, message);
    expect(xeddsaVerify(generateCurveKeyPair().publicKey, message, signature)).toBe(false);
  });

  it('rejects a signature with a flipped sign bit or any flipped byte', () => {
    const keyPair = generateCurveKeyPair();
    const signature = xeddsaSign(keyPair.privateKey, message);
    for (const [index, mask] of [
      [63, 0x80],
      [0, 0x01],
      [40, 0x10],
    ] as const) {
      const tampered = Uint8Array.from(signature);
      tampered[index]! ^= mask;
      expect(xeddsaVerify(keyPair.publicKey, message, tampered)).toBe(false);
    }
  });

  it('rejects a signature of the wrong length', () => {
    const keyPair = generateCurveKeyPair();
    expect(xeddsaVerify(keyPair.publicKey, message, xeddsaSign(keyPair.privateKey, message).subarray(0, 63))).toBe(false);
  });

  it('uses fresh randomness, so two signatures of one message differ', () => {
    const keyPair = generateCurveKeyPair();
    expect(xeddsaSign(keyPair.privateKey, message)).not.toEqual(xeddsaSign(keyPair.privateKey, message));
  });

  it("leaves the caller's signature untouched, even when it is a Node Buffer view", () => {
    const keyPair = generateCurveKeyPair();
    const signature = xeddsaSign(keyPair.privateKey, message);
    // Buffer#slice returns a view, unlike Uint8Array#slice; verification must not write through it.
    const frame = Buffer.concat([Buffer.from([1, 2, 3]), signature]);
    const view = frame.subarray(3);
    const before = Buffer.from(view);
    expect(xeddsaVerify(keyPair.publicKey, message, view)).toBe(true);
    expect(Buffer.compare(view, before)).toBe(0);
    expect(xeddsaVerify(keyPair.publicKey, message, view)).toBe(true);
  });
});
