import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { deriveMessageKeys, stepChainKey } from './chain-key';

// libsignal's published chain-key derivation vector.
const seed = hexToBytes('8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f');
const cipherKey = hexToBytes('bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217');
const macKey = hexToBytes('c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b');
const nextChainKey = hexToBytes('28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d');

describe('chain key derivation', () => {
  it("matches libsignal's chain-key vector", async () => {
    const step = await stepChainKey(seed, nobleCryptoBackend);
    expect(step.nextChainKey).toEqual(nextChainKey);
    const keys = await deriveMessageKeys(step.messageKeySeed, nobleCryptoBackend);
    expect(keys.cipherKey).toEqual(cipherKey);
    expect(keys.macKey).toEqual(macKey);
    expect(keys.iv).toHaveLength(16);
  });
});
