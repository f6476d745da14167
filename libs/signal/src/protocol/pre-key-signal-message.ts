import { concatBytes } from '../crypto/bytes';
import { rawCurvePublicKey } from '../keys/curve-key-pair';
import { assertSupportedVersion, VERSION_BYTE } from './message-version';
import { ProtobufReader } from './protobuf-reader';
import { ProtobufWriter } from './protobuf-writer';
import { parseSignalMessage, type SignalMessage } from './signal-message';

const enum PreKeySignalMessageField {
  PreKeyId = 1,
  BaseKey = 2,
  IdentityKey = 3,
  Message = 4,
  RegistrationId = 5,
  SignedPreKeyId = 6,
  KyberPreKeyId = 7,
  KyberCiphertext = 8,
}

/** The initiator's messages until the first reply: `0x44 ‖ protobuf`, no outer MAC. */
export interface PreKeySignalMessage {
  registrationId: number;
  preKeyId?: number;
  signedPreKeyId: number;
  kyberPreKeyId: number;
  /** Serialized (`0x08 ‖ raw`). */
  kyberCiphertext: Uint8Array;
  /** Serialized (`0x05 ‖ 32`). */
  baseKey: Uint8Array;
  /** Serialized (`0x05 ‖ 32`). */
  identityKey: Uint8Array;
  message: SignalMessage;
  serialized: Uint8Array;
}

export function createPreKeySignalMessage(fields: Omit<PreKeySignalMessage, 'serialized'>): PreKeySignalMessage {
  const writer = new ProtobufWriter();
  if (fields.preKeyId !== undefined) writer.uint32(PreKeySignalMessageField.PreKeyId, fields.preKeyId);
  const body = writer
    .bytes(PreKeySignalMessageField.BaseKey, fields.baseKey)
    .bytes(PreKeySignalMessageField.IdentityKey, fields.identityKey)
    .bytes(PreKeySignalMessageField.Message, fields.message.serialized)
    .uint32(PreKeySignalMessageField.RegistrationId, fields.registrationId)
    .uint32(PreKeySignalMessageField.SignedPreKeyId, fields.signedPreKeyId)
    .uint32(PreKeySignalMessageField.KyberPreKeyId, fields.kyberPreKeyId)
    .bytes(PreKeySignalMessageField.KyberCiphertext, fields.kyberCiphertext)
    .finish();
  return { ...fields, serialized: concatBytes(Uint8Array.of(VERSION_BYTE), body) };
}

export function parsePreKeySignalMessage(serialized: Uint8Array): PreKeySignalMessage {
  assertSupportedVersion(serialized, 'PreKeySignalMessage');
  const reader = new ProtobufReader(serialized.subarray(1));
  const baseKey = reader.requiredBytes(PreKeySignalMessageField.BaseKey, 'base key');
  const identityKey = reader.requiredBytes(PreKeySignalMessageField.IdentityKey, 'identity key');
  rawCurvePublicKey(baseKey);
  rawCurvePublicKey(identityKey);
  const preKeyId = reader.optionalUint32(PreKeySignalMessageField.PreKeyId);
  return {
    registrationId: reader.optionalUint32(PreKeySignalMessageField.RegistrationId) ?? 0,
    ...(preKeyId === undefined ? {} : { preKeyId }),
    signedPreKeyId: reader.requiredUint32(PreKeySignalMessageField.SignedPreKeyId, 'signed prekey ID'),
    kyberPreKeyId: reader.requiredUint32(PreKeySignalMessageField.KyberPreKeyId, 'Kyber prekey ID (version 3 messages are not supported)'),
    kyberCiphertext: reader.requiredBytes(PreKeySignalMessageField.KyberCiphertext, 'Kyber ciphertext'),
    baseKey,
    identityKey,
    message: parseSignalMessage(reader.requiredBytes(PreKeySignalMessageField.Message, 'inner SignalMessage')),
    serialized,
  };
}
