import { ProtobufReader } from '../protocol/protobuf-reader';
import { ProtobufWriter } from '../protocol/protobuf-writer';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import type { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from './pre-key-records';

// Our own protobuf layout for stored prekeys. Field 2 holds the public key, 3 the private or
// secret key, 4 the signature and 5 the timestamp, where the record has them.
const enum PreKeyRecordField {
  Id = 1,
  PublicKey = 2,
  PrivateKey = 3,
  Signature = 4,
  Timestamp = 5,
}

const reader = (bytes: Uint8Array) => new ProtobufReader(bytes, SignalProtocolErrorCode.InvalidKey);

function writeKeyPair(id: number, publicKey: Uint8Array, privateKey: Uint8Array): ProtobufWriter {
  return new ProtobufWriter()
    .uint32(PreKeyRecordField.Id, id)
    .bytes(PreKeyRecordField.PublicKey, publicKey)
    .bytes(PreKeyRecordField.PrivateKey, privateKey);
}

function readKeyPair(bytes: Uint8Array) {
  const fields = reader(bytes);
  return {
    fields,
    id: fields.requiredUint32(PreKeyRecordField.Id, 'prekey ID'),
    keyPair: {
      publicKey: fields.requiredBytes(PreKeyRecordField.PublicKey, 'public key'),
      privateKey: fields.requiredBytes(PreKeyRecordField.PrivateKey, 'private key'),
    },
  };
}

function writeSigned(record: SignedPreKeyRecord | KyberPreKeyRecord, publicKey: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return writeKeyPair(record.id, publicKey, privateKey)
    .bytes(PreKeyRecordField.Signature, record.signature)
    .uint64(PreKeyRecordField.Timestamp, record.timestamp)
    .finish();
}

function readSigned(bytes: Uint8Array) {
  const { fields, id, keyPair } = readKeyPair(bytes);
  return {
    id,
    keyPair,
    signature: fields.requiredBytes(PreKeyRecordField.Signature, 'signature'),
    timestamp: fields.requiredUint64(PreKeyRecordField.Timestamp, 'timestamp'),
  };
}

export function serializePreKeyRecord(record: PreKeyRecord): Uint8Array {
  return writeKeyPair(record.id, record.keyPair.publicKey, record.keyPair.privateKey).finish();
}

export function deserializePreKeyRecord(bytes: Uint8Array): PreKeyRecord {
  const { id, keyPair } = readKeyPair(bytes);
  return { id, keyPair };
}

export function serializeSignedPreKeyRecord(record: SignedPreKeyRecord): Uint8Array {
  return writeSigned(record, record.keyPair.publicKey, record.keyPair.privateKey);
}

export function deserializeSignedPreKeyRecord(bytes: Uint8Array): SignedPreKeyRecord {
  return readSigned(bytes);
}

export function serializeKyberPreKeyRecord(record: KyberPreKeyRecord): Uint8Array {
  return writeSigned(record, record.keyPair.publicKey, record.keyPair.secretKey);
}

export function deserializeKyberPreKeyRecord(bytes: Uint8Array): KyberPreKeyRecord {
  const { keyPair, ...rest } = readSigned(bytes);
  return { ...rest, keyPair: { publicKey: keyPair.publicKey, secretKey: keyPair.privateKey } };
}
