import { describe, expect, it } from 'vitest';
import { randomBytes } from '../crypto/bytes';
import { generateCurveKeyPair } from '../keys/curve-key-pair';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { MAX_ARCHIVED_STATES } from './ratchet-limits';
import { SessionRecord } from './session-record';
import { deserializeSessionRecord, serializeSessionRecord } from './session-record.codec';
import type { SessionState } from './session-state';

function sampleState(withPendingPreKey: boolean): SessionState {
  return {
    version: 4,
    localIdentityKey: generateCurveKeyPair().publicKey,
    remoteIdentityKey: generateCurveKeyPair().publicKey,
    localRegistrationId: 1234,
    remoteRegistrationId: 16_000,
    rootKey: randomBytes(32),
    previousCounter: 7,
    senderChain: { ratchetKeyPair: generateCurveKeyPair(), chainKey: randomBytes(32), index: 300 },
    receiverChains: [
      { ratchetKey: generateCurveKeyPair().publicKey, chainKey: randomBytes(32), index: 0, skippedMessageKeys: [] },
      {
        ratchetKey: generateCurveKeyPair().publicKey,
        chainKey: randomBytes(32),
        index: 25_000,
        skippedMessageKeys: [
          { counter: 3, messageKeySeed: randomBytes(32) },
          { counter: 24_999, messageKeySeed: randomBytes(32) },
        ],
      },
    ],
    baseKey: generateCurveKeyPair().publicKey,
    ...(withPendingPreKey
      ? {
          pendingPreKey: {
            preKeyId: 0,
            signedPreKeyId: 2,
            kyberPreKeyId: 0xffff_ffff,
            kyberCiphertext: randomBytes(1569),
            createdAt: 1_790_000_000_123,
          },
        }
      : {}),
  };
}

describe('session record serialization', () => {
  it('round-trips current and archived states, chains, skipped keys and the pending prekey', () => {
    const record = new SessionRecord(sampleState(true), [sampleState(false), sampleState(true)]);
    expect(deserializeSessionRecord(serializeSessionRecord(record))).toEqual(record);
  });

  it('round-trips an empty record and a pending prekey without a one-time prekey', () => {
    expect(deserializeSessionRecord(serializeSessionRecord(new SessionRecord()))).toEqual(new SessionRecord());
    const state = sampleState(true);
    delete state.pendingPreKey!.preKeyId;
    const restored = deserializeSessionRecord(serializeSessionRecord(new SessionRecord(state)));
    expect(restored.currentState!.pendingPreKey).toEqual(state.pendingPreKey);
  });

  it('rejects corrupt bytes as INVALID_SESSION_RECORD', () => {
    const serialized = serializeSessionRecord(new SessionRecord(sampleState(true)));
    expect(() => deserializeSessionRecord(serialized.subarray(0, serialized.length - 10))).toThrow(
      expect.objectContaining({ code: SignalProtocolErrorCode.InvalidSessionRecord }),
    );
  });
});

describe(SessionRecord.name, () => {
  it(`keeps at most ${MAX_ARCHIVED_STATES} archived states, newest first`, () => {
    const record = new SessionRecord();
    const states = Array.from({ length: MAX_ARCHIVED_STATES + 5 }, () => sampleState(false));
    for (const state of states) record.promoteState(state);
    expect(record.currentState).toBe(states.at(-1));
    expect(record.previousStates).toHaveLength(MAX_ARCHIVED_STATES);
    expect(record.previousStates[0]).toBe(states.at(-2));
    expect(record.hasStateWithBaseKey(states[0]!.baseKey)).toBe(false);
    expect(record.hasStateWithBaseKey(states[10]!.baseKey)).toBe(true);
  });
});
