import { describe, expect, it } from 'vitest';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { generateCurveKeyPair } from './curve-key-pair';
import { generateKyberPreKey, generatePreKey, generateSignedPreKey } from './pre-key-records';
import {
  deserializeKyberPreKeyRecord,
  deserializePreKeyRecord,
  deserializeSignedPreKeyRecord,
  serializeKyberPreKeyRecord,
  serializePreKeyRecord,
  serializeSignedPreKeyRecord,
} from './pre-key-records.codec';

describe('prekey record serialization', () => {
  const identityKeyPair = generateCurveKeyPair();
  const timestamp = 1_790_000_000_123;

  it('round-trips one-time, signed and Kyber prekeys', () => {
    const preKey = generatePreKey(0xffff_ffff);
    expect(deserializePreKeyRecord(serializePreKeyRecord(preKey))).toEqual(preKey);
    const signedPreKey = generateSignedPreKey(identityKeyPair, 3, timestamp);
    expect(deserializeSignedPreKeyRecord(serializeSignedPreKeyRecord(signedPreKey))).toEqual(signedPreKey);
    const kyberPreKey = generateKyberPreKey(identityKeyPair, 4, timestamp);
    expect(deserializeKyberPreKeyRecord(serializeKyberPreKeyRecord(kyberPreKey))).toEqual(kyberPreKey);
  });

  it('rejects a record missing its signature', () => {
    expect(() => deserializeSignedPreKeyRecord(serializePreKeyRecord(generatePreKey(1)))).toThrow(
      expect.objectContaining({ code: SignalProtocolErrorCode.InvalidKey }),
    );
  });
});
