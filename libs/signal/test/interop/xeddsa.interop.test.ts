import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToNumberLittleEndian, concatBytes, numberToBytesLittleEndian, randomBytes, utf8ToBytes } from '../../src/crypto/bytes';
import { createNodeCryptoBackend } from '../../src/crypto/node-crypto-backend';
import { nobleCryptoBackend } from '../../src/crypto/noble-crypto-backend';
import {
  calculateAgreement,
  curveKeyPairFromPrivateKey,
  generateCurveKeyPair,
  generateEphemeralKeyPair,
} from '../../src/keys/curve-key-pair';
import { ED25519_GROUP_ORDER } from '../../src/keys/noble-ed25519';
import { xeddsaSign, xeddsaVerify, xeddsaVerifyAsync } from '../../src/keys/xeddsa';
import { forLibsignal, type Libsignal, loadLibsignal } from './load-libsignal';

describe('XEdDSA against libsignal', () => {
  let libsignal: Libsignal;
  beforeAll(async () => {
    libsignal = await loadLibsignal();
  });

  it('produces the same public key from the same private key', () => {
    for (let round = 0; round < 16; round++) {
      const theirs = libsignal.PrivateKey.generate();
      const ours = curveKeyPairFromPrivateKey(theirs.serialize());
      expect(ours.publicKey).toEqual(theirs.getPublicKey().serialize());
    }
  });

  it('makes signatures that libsignal verifies', () => {
    for (let round = 0; round < 64; round++) {
      const keyPair = generateCurveKeyPair();
      const message = utf8ToBytes(`message ${round}`);
      const signature = xeddsaSign(keyPair.privateKey, message);
      expect(libsignal.PublicKey.deserialize(forLibsignal(keyPair.publicKey)).verify(message, forLibsignal(signature))).toBe(true);
    }
  });

  it("verifies libsignal's signatures and rejects them tampered", () => {
    for (let round = 0; round < 64; round++) {
      const privateKey = libsignal.PrivateKey.generate();
      const message = utf8ToBytes(`message ${round}`);
      const signature = privateKey.sign(message);
      const publicKey = privateKey.getPublicKey().serialize();
      expect(xeddsaVerify(publicKey, message, signature)).toBe(true);
      signature[63]! ^= 0x80;
      expect(xeddsaVerify(publicKey, message, signature)).toBe(false);
    }
  });

  it.each([
    ['noble', nobleCryptoBackend],
    ['node', createNodeCryptoBackend()],
  ])("verifies libsignal's signatures through the %s backend's Ed25519, and rejects them tampered", async (_name, crypto) => {
    for (let round = 0; round < 32; round++) {
      const privateKey = libsignal.PrivateKey.generate();
      const message = randomBytes(round * 50);
      const signature = privateKey.sign(message);
      const publicKey = privateKey.getPublicKey().serialize();
      expect(await xeddsaVerifyAsync(publicKey, message, signature, crypto)).toBe(true);
      for (const index of [0, 31, 32, 62, 63]) {
        const tampered = Uint8Array.from(signature);
        tampered[index]! ^= index === 63 ? 0x80 : 0x01;
        expect(await xeddsaVerifyAsync(publicKey, message, tampered, crypto)).toBe(false);
      }
    }
  });

  // A deliberate difference (see the README): libsignal reduces s modulo L, so s + L also
  // verifies there. RFC 8032 and OpenSSL require s < L, and so do we, on every backend.
  it.each([
    ['noble', nobleCryptoBackend],
    ['node', createNodeCryptoBackend()],
  ])('rejects the non-canonical s + L form of a signature that libsignal accepts (%s backend)', async (_name, crypto) => {
    const privateKey = libsignal.PrivateKey.generate();
    const publicKey = privateKey.getPublicKey();
    const message = utf8ToBytes('the serialized signed prekey');
    const signature = privateKey.sign(message);
    const signBit = signature[63]! & 0x80;
    const s = Uint8Array.from(signature.subarray(32));
    s[31]! &= 0x7f;
    const sPlusL = numberToBytesLittleEndian(bytesToNumberLittleEndian(s) + ED25519_GROUP_ORDER, 32);
    sPlusL[31]! |= signBit;
    const malleated = concatBytes(signature.subarray(0, 32), sPlusL);
    expect(malleated).not.toEqual(signature);
    expect(publicKey.verify(message, forLibsignal(malleated))).toBe(true);
    expect(xeddsaVerify(publicKey.serialize(), message, malleated)).toBe(false);
    expect(await xeddsaVerifyAsync(publicKey.serialize(), message, malleated, crypto)).toBe(false);
    expect(await xeddsaVerifyAsync(publicKey.serialize(), message, signature, crypto)).toBe(true);
  });

  it.each([
    ['noble', nobleCryptoBackend],
    ['node:crypto', createNodeCryptoBackend()],
  ])('agrees with libsignal on X25519 key pairs and shared secrets (%s backend)', async (_name, crypto) => {
    for (let round = 0; round < 16; round++) {
      const theirs = libsignal.PrivateKey.generate();
      const ours = await generateEphemeralKeyPair(crypto);
      expect(ours.publicKey).toEqual(libsignal.PrivateKey.deserialize(forLibsignal(ours.privateKey)).getPublicKey().serialize());
      expect(await calculateAgreement(ours.privateKey, theirs.getPublicKey().serialize(), crypto)).toEqual(
        theirs.agree(libsignal.PublicKey.deserialize(forLibsignal(ours.publicKey))),
      );
    }
  });
});
