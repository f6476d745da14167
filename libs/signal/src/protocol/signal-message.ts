import type { CryptoBackend } from '../crypto/crypto-backend';
import { concatBytes, constantTimeEqual } from '../crypto/bytes';
import { rawCurvePublicKey } from '../keys/curve-key-pair';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';
import { assertSupportedVersion, VERSION_BYTE } from './message-version';
import { ProtobufReader } from './protobuf-reader';
import { ProtobufWriter } from './protobuf-writer';

const SIGNAL_MESSAGE_MAC_LENGTH = 8;

const enum SignalMessageField {
  RatchetKey = 1,
  Counter = 2,
  PreviousCounter = 3,
  Ciphertext = 4,
}

/** A Double Ratchet message: `0x44 ‖ protobuf ‖ MAC[8]`. */
export interface SignalMessage {
  /** Serialized (`0x05 ‖ 32`). */
  ratchetKey: Uint8Array;
  counter: number;
  previousCounter: number;
  ciphertext: Uint8Array;
  serialized: Uint8Array;
}

export interface SignalMessageMacKeys {
  macKey: Uint8Array;
  /** Serialized identity keys (`0x05 ‖ 32`), sender's first, as both sides MAC them. */
  senderIdentityKey: Uint8Array;
  receiverIdentityKey: Uint8Array;
}

async function computeMac(keys: SignalMessageMacKeys, versionAndBody: Uint8Array, crypto: CryptoBackend): Promise<Uint8Array> {
  const mac = await crypto.hmacSha256(keys.macKey, concatBytes(keys.senderIdentityKey, keys.receiverIdentityKey, versionAndBody));
  return mac.subarray(0, SIGNAL_MESSAGE_MAC_LENGTH);
}

export async function createSignalMessage(
  fields: Omit<SignalMessage, 'serialized'>,
  keys: SignalMessageMacKeys,
  crypto: CryptoBackend,
): Promise<SignalMessage> {
  const body = new ProtobufWriter()
    .bytes(SignalMessageField.RatchetKey, fields.ratchetKey)
    .uint32(SignalMessageField.Counter, fields.counter)
    .uint32(SignalMessageField.PreviousCounter, fields.previousCounter)
    .bytes(SignalMessageField.Ciphertext, fields.ciphertext)
    .finish();
  const versionAndBody = concatBytes(Uint8Array.of(VERSION_BYTE), body);
  return { ...fields, serialized: concatBytes(versionAndBody, await computeMac(keys, versionAndBody, crypto)) };
}

export function parseSignalMessage(serialized: Uint8Array): SignalMessage {
  assertSupportedVersion(serialized, 'SignalMessage');
  if (serialized.length < 1 + SIGNAL_MESSAGE_MAC_LENGTH) {
    throw new SignalProtocolError(SignalProtocolErrorCode.InvalidMessage, `SignalMessage of ${serialized.length} bytes is too short`);
  }
  const reader = new ProtobufReader(serialized.subarray(1, serialized.length - SIGNAL_MESSAGE_MAC_LENGTH));
  const ratchetKey = reader.requiredBytes(SignalMessageField.RatchetKey, 'ratchet key');
  rawCurvePublicKey(ratchetKey);
  return {
    ratchetKey,
    counter: reader.requiredUint32(SignalMessageField.Counter, 'counter'),
    previousCounter: reader.optionalUint32(SignalMessageField.PreviousCounter) ?? 0,
    ciphertext: reader.requiredBytes(SignalMessageField.Ciphertext, 'ciphertext'),
    serialized,
  };
}

export async function verifySignalMessageMac(message: SignalMessage, keys: SignalMessageMacKeys, crypto: CryptoBackend): Promise<boolean> {
  const macOffset = message.serialized.length - SIGNAL_MESSAGE_MAC_LENGTH;
  const expected = await computeMac(keys, message.serialized.subarray(0, macOffset), crypto);
  return constantTimeEqual(expected, message.serialized.subarray(macOffset));
}
