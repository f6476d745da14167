import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../crypto/bytes';
import { generateKyberKeyPair, kyberDecapsulate, kyberEncapsulate, kyberPublicKeyFromSecretKey } from './kyber1024';

const fixtures = join(__dirname, '..', '..', 'test', 'fixtures');
const prefixed = (raw: Uint8Array) => concatBytes(Uint8Array.of(0x08), raw);

describe('Kyber-1024', () => {
  it('serializes keys and ciphertexts with the 0x08 type byte', () => {
    const keyPair = generateKyberKeyPair();
    expect(keyPair.publicKey).toHaveLength(1569);
    expect(keyPair.secretKey).toHaveLength(3169);
    const { ciphertext } = kyberEncapsulate(keyPair.publicKey);
    expect(ciphertext).toHaveLength(1569);
    for (const bytes of [keyPair.publicKey, keyPair.secretKey, ciphertext]) expect(bytes[0]).toBe(0x08);
  });

  it('decapsulates the secret it encapsulated', () => {
    const keyPair = generateKyberKeyPair();
    const { ciphertext, sharedSecret } = kyberEncapsulate(keyPair.publicKey);
    expect(kyberDecapsulate(keyPair.secretKey, ciphertext)).toEqual(sharedSecret);
  });

  it("round-trips with libsignal's published Kyber-1024 test key pair", () => {
    const publicKey = prefixed(readFileSync(join(fixtures, 'libsignal-kyber1024-test.pk')));
    const secretKey = prefixed(readFileSync(join(fixtures, 'libsignal-kyber1024-test.sk')));
    expect(kyberPublicKeyFromSecretKey(secretKey)).toEqual(publicKey);
    const { ciphertext, sharedSecret } = kyberEncapsulate(publicKey);
    expect(kyberDecapsulate(secretKey, ciphertext)).toEqual(sharedSecret);
  });

  it("answers a tampered ciphertext with round-3 Kyber's implicit rejection value", () => {
    const keyPair = generateKyberKeyPair();
    const { ciphertext, sharedSecret } = kyberEncapsulate(keyPair.publicKey);
    const tampered = Uint8Array.from(ciphertext);
    tampered[100]! ^= 1;
    const rejected = kyberDecapsulate(keyPair.secretKey, tampered);
    expect(rejected).not.toEqual(sharedSecret);
    // Round 3: K = SHAKE256(z ‖ SHA3-256(c)), z being the secret key's last 32 bytes.
    const z = keyPair.secretKey.subarray(keyPair.secretKey.length - 32);
    expect(rejected).toEqual(shake256(concatBytes(z, sha3_256(tampered.subarray(1))), { dkLen: 32 }));
  });
});
