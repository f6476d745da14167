import { beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../src/crypto/bytes';
import { createNodeCryptoBackend } from '../../src/crypto/node-crypto-backend';
import { nobleCryptoBackend } from '../../src/crypto/noble-crypto-backend';
import {
  calculateAgreement,
  curveKeyPairFromPrivateKey,
  generateCurveKeyPair,
  generateEphemeralKeyPair,
} from '../../src/keys/curve-key-pair';
import { xeddsaSign, xeddsaVerify } from '../../src/keys/xeddsa';
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
