import { beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../src/crypto/bytes';
import { calculateAgreement, curveKeyPairFromPrivateKey, generateCurveKeyPair } from '../../src/keys/curve-key-pair';
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

  it('agrees with libsignal on X25519 shared secrets', () => {
    const theirs = libsignal.PrivateKey.generate();
    const ours = generateCurveKeyPair();
    expect(calculateAgreement(ours.privateKey, theirs.getPublicKey().serialize())).toEqual(
      theirs.agree(libsignal.PublicKey.deserialize(forLibsignal(ours.publicKey))),
    );
  });
});
