import { describe, expect, it } from 'vitest';
import { concatBytes, randomBytes } from '../crypto/bytes';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { generateCurveKeyPair } from '../keys/curve-key-pair';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { createPreKeySignalMessage, parsePreKeySignalMessage } from './pre-key-signal-message';
import { ProtobufWriter } from './protobuf-writer';
import { createSignalMessage } from './signal-message';

async function sample() {
  const message = await createSignalMessage(
    { ratchetKey: generateCurveKeyPair().publicKey, counter: 0, previousCounter: 0, ciphertext: randomBytes(32) },
    { macKey: randomBytes(32), senderIdentityKey: generateCurveKeyPair().publicKey, receiverIdentityKey: generateCurveKeyPair().publicKey },
    nobleCryptoBackend,
  );
  return createPreKeySignalMessage({
    registrationId: 42,
    preKeyId: 7,
    signedPreKeyId: 8,
    kyberPreKeyId: 9,
    kyberCiphertext: concatBytes(Uint8Array.of(0x08), randomBytes(1568)),
    baseKey: generateCurveKeyPair().publicKey,
    identityKey: generateCurveKeyPair().publicKey,
    message,
  });
}

describe('PreKeySignalMessage', () => {
  it('starts with 0x44 and parses back to the same fields', async () => {
    const message = await sample();
    expect(message.serialized[0]).toBe(0x44);
    expect(parsePreKeySignalMessage(message.serialized)).toEqual(message);
  });

  it('rejects version 3 (X3DH-only) messages as UNSUPPORTED_VERSION', async () => {
    const serialized = Uint8Array.from((await sample()).serialized);
    serialized[0] = 0x33;
    expect(() => parsePreKeySignalMessage(serialized)).toThrow(
      expect.objectContaining({ code: SignalProtocolErrorCode.UnsupportedVersion }),
    );
  });

  it('rejects a message without Kyber fields as INVALID_MESSAGE', async () => {
    const { message, baseKey, identityKey } = await sample();
    const body = new ProtobufWriter()
      .uint32(5, 1)
      .uint32(6, 2)
      .bytes(2, baseKey)
      .bytes(3, identityKey)
      .bytes(4, message.serialized)
      .finish();
    expect(() => parsePreKeySignalMessage(concatBytes(Uint8Array.of(0x44), body))).toThrow(
      expect.objectContaining({ code: SignalProtocolErrorCode.InvalidMessage }),
    );
  });

  it('rejects a base key without the 0x05 type byte as INVALID_KEY', async () => {
    const { message, identityKey, kyberCiphertext } = await sample();
    const body = new ProtobufWriter()
      .bytes(2, randomBytes(32))
      .bytes(3, identityKey)
      .bytes(4, message.serialized)
      .uint32(6, 1)
      .uint32(7, 1)
      .bytes(8, kyberCiphertext)
      .finish();
    expect(() => parsePreKeySignalMessage(concatBytes(Uint8Array.of(0x44), body))).toThrow(
      expect.objectContaining({ code: SignalProtocolErrorCode.InvalidKey }),
    );
  });
});
