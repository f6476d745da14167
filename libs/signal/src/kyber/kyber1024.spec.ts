import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { readKyber1024KnownAnswers } from '../../test/support/kyber-kat';
import { NistKatDrbg } from '../../test/support/nist-kat-drbg';
import { concatBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { createNodeCryptoBackend } from '../crypto/node-crypto-backend';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { generateKyberKeyPair, KYBER_1024_KEY_TYPE, kyberDecapsulate, kyberEncapsulate, kyberPublicKeyFromSecretKey } from './kyber1024';
import { nobleKyber1024 } from './noble-kyber1024';

const knownAnswers = readKyber1024KnownAnswers();
const prefixed = (raw: Uint8Array) => concatBytes(Uint8Array.of(KYBER_1024_KEY_TYPE), raw);
const backends: [string, CryptoBackend][] = [
  ['noble', nobleCryptoBackend],
  ['liboqs (node)', createNodeCryptoBackend()],
];

describe('Kyber-1024', () => {
  it('serializes keys and ciphertexts with the 0x08 type byte', async () => {
    const keyPair = generateKyberKeyPair();
    expect(keyPair.publicKey).toHaveLength(1569);
    expect(keyPair.secretKey).toHaveLength(3169);
    const { ciphertext } = await kyberEncapsulate(keyPair.publicKey);
    expect(ciphertext).toHaveLength(1569);
    for (const bytes of [keyPair.publicKey, keyPair.secretKey, ciphertext]) expect(bytes[0]).toBe(0x08);
  });

  it('reads all 100 round-3 known-answer vectors', () => {
    expect(knownAnswers.map((vector) => vector.count)).toEqual([...Array(100).keys()]);
  });

  it('derives each known-answer public key from its secret key (100/100)', () => {
    for (const vector of knownAnswers) {
      expect(kyberPublicKeyFromSecretKey(prefixed(vector.secretKey)), `vector ${vector.count}`).toEqual(prefixed(vector.publicKey));
    }
  });

  it("reproduces each known-answer ciphertext and shared secret from the KAT's DRBG coins (100/100)", () => {
    for (const vector of knownAnswers) {
      const drbg = new NistKatDrbg(vector.seed);
      drbg.randomBytes(32); // key generation's seed d
      // The second draw is key generation's implicit-rejection value z, the secret key's tail:
      // proof that our DRBG runs in step with the generator.
      expect(drbg.randomBytes(32), `vector ${vector.count}`).toEqual(vector.secretKey.subarray(-32));
      const encapsulation = nobleKyber1024.encapsulate(vector.publicKey, drbg.randomBytes(32));
      expect(encapsulation, `vector ${vector.count}`).toEqual({ ciphertext: vector.ciphertext, sharedSecret: vector.sharedSecret });
    }
  });

  describe.each(backends)('on the %s backend', (_name, crypto) => {
    it('decapsulates each known-answer ciphertext to its shared secret (100/100)', async () => {
      for (const vector of knownAnswers) {
        expect(await kyberDecapsulate(prefixed(vector.secretKey), prefixed(vector.ciphertext), crypto), `vector ${vector.count}`).toEqual(
          vector.sharedSecret,
        );
      }
    });

    it('agrees with noble in both directions', async () => {
      const keyPair = generateKyberKeyPair();
      const ours = await kyberEncapsulate(keyPair.publicKey, crypto);
      expect(await kyberDecapsulate(keyPair.secretKey, ours.ciphertext, nobleCryptoBackend)).toEqual(ours.sharedSecret);
      const noble = await kyberEncapsulate(keyPair.publicKey, nobleCryptoBackend);
      expect(await kyberDecapsulate(keyPair.secretKey, noble.ciphertext, crypto)).toEqual(noble.sharedSecret);
    });

    it("answers a tampered ciphertext with round-3 Kyber's implicit rejection value", async () => {
      const vector = knownAnswers[7]!;
      const tampered = Uint8Array.from(vector.ciphertext);
      tampered[100]! ^= 1;
      // Round 3: K = SHAKE256(z ‖ SHA3-256(c)), z being the secret key's last 32 bytes.
      const expected = shake256(concatBytes(vector.secretKey.subarray(-32), sha3_256(tampered)), { dkLen: 32 });
      expect(await kyberDecapsulate(prefixed(vector.secretKey), prefixed(tampered), crypto)).toEqual(expected);
    });
  });
});
