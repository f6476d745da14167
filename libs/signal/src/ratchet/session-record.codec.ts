import type { CurveKeyPair } from '../keys/curve-key-pair';
import { ProtobufReader } from '../protocol/protobuf-reader';
import { ProtobufWriter } from '../protocol/protobuf-writer';
import { SignalProtocolErrorCode } from '../signal-protocol.errors';
import { SessionRecord } from './session-record';
import type { PendingPreKey, ReceiverChain, SenderChain, SessionState, SkippedMessageKey } from './session-state';

// Our own compact protobuf layout for stored sessions; unrelated to libsignal's record format.
const enum RecordField {
  Current = 1,
  Previous = 2,
}
const enum StateField {
  Version = 1,
  LocalIdentityKey = 2,
  RemoteIdentityKey = 3,
  LocalRegistrationId = 4,
  RemoteRegistrationId = 5,
  RootKey = 6,
  PreviousCounter = 7,
  SenderChain = 8,
  ReceiverChain = 9,
  BaseKey = 10,
  PendingPreKey = 11,
}
const enum SenderChainField {
  RatchetPublicKey = 1,
  RatchetPrivateKey = 2,
  ChainKey = 3,
  Index = 4,
}
const enum ReceiverChainField {
  RatchetKey = 1,
  ChainKey = 2,
  Index = 3,
  SkippedMessageKey = 4,
}
const enum SkippedMessageKeyField {
  Counter = 1,
  MessageKeySeed = 2,
}
const enum PendingPreKeyField {
  PreKeyId = 1,
  SignedPreKeyId = 2,
  KyberPreKeyId = 3,
  KyberCiphertext = 4,
  CreatedAt = 5,
}

const recordReader = (bytes: Uint8Array) => new ProtobufReader(bytes, SignalProtocolErrorCode.InvalidSessionRecord);

export function serializeSessionRecord(record: SessionRecord): Uint8Array {
  const writer = new ProtobufWriter();
  if (record.currentState) writer.bytes(RecordField.Current, encodeState(record.currentState));
  for (const state of record.previousStates) writer.bytes(RecordField.Previous, encodeState(state));
  return writer.finish();
}

export function deserializeSessionRecord(bytes: Uint8Array): SessionRecord {
  const reader = recordReader(bytes);
  const current = reader.optionalBytes(RecordField.Current);
  return new SessionRecord(current && decodeState(current), reader.repeatedBytes(RecordField.Previous).map(decodeState));
}

function encodeState(state: SessionState): Uint8Array {
  const writer = new ProtobufWriter()
    .uint32(StateField.Version, state.version)
    .bytes(StateField.LocalIdentityKey, state.localIdentityKey)
    .bytes(StateField.RemoteIdentityKey, state.remoteIdentityKey)
    .uint32(StateField.LocalRegistrationId, state.localRegistrationId)
    .uint32(StateField.RemoteRegistrationId, state.remoteRegistrationId)
    .bytes(StateField.RootKey, state.rootKey)
    .uint32(StateField.PreviousCounter, state.previousCounter)
    .bytes(StateField.SenderChain, encodeSenderChain(state.senderChain))
    .bytes(StateField.BaseKey, state.baseKey);
  for (const chain of state.receiverChains) writer.bytes(StateField.ReceiverChain, encodeReceiverChain(chain));
  if (state.pendingPreKey) writer.bytes(StateField.PendingPreKey, encodePendingPreKey(state.pendingPreKey));
  return writer.finish();
}

function decodeState(bytes: Uint8Array): SessionState {
  const reader = recordReader(bytes);
  const pendingPreKey = reader.optionalBytes(StateField.PendingPreKey);
  return {
    version: reader.requiredUint32(StateField.Version, 'version'),
    localIdentityKey: reader.requiredBytes(StateField.LocalIdentityKey, 'local identity key'),
    remoteIdentityKey: reader.requiredBytes(StateField.RemoteIdentityKey, 'remote identity key'),
    localRegistrationId: reader.requiredUint32(StateField.LocalRegistrationId, 'local registration ID'),
    remoteRegistrationId: reader.requiredUint32(StateField.RemoteRegistrationId, 'remote registration ID'),
    rootKey: reader.requiredBytes(StateField.RootKey, 'root key'),
    previousCounter: reader.requiredUint32(StateField.PreviousCounter, 'previous counter'),
    senderChain: decodeSenderChain(reader.requiredBytes(StateField.SenderChain, 'sender chain')),
    receiverChains: reader.repeatedBytes(StateField.ReceiverChain).map(decodeReceiverChain),
    baseKey: reader.requiredBytes(StateField.BaseKey, 'base key'),
    ...(pendingPreKey ? { pendingPreKey: decodePendingPreKey(pendingPreKey) } : {}),
  };
}

function encodeSenderChain(chain: SenderChain): Uint8Array {
  return new ProtobufWriter()
    .bytes(SenderChainField.RatchetPublicKey, chain.ratchetKeyPair.publicKey)
    .bytes(SenderChainField.RatchetPrivateKey, chain.ratchetKeyPair.privateKey)
    .bytes(SenderChainField.ChainKey, chain.chainKey)
    .uint32(SenderChainField.Index, chain.index)
    .finish();
}

function decodeSenderChain(bytes: Uint8Array): SenderChain {
  const reader = recordReader(bytes);
  const ratchetKeyPair: CurveKeyPair = {
    publicKey: reader.requiredBytes(SenderChainField.RatchetPublicKey, 'sender ratchet public key'),
    privateKey: reader.requiredBytes(SenderChainField.RatchetPrivateKey, 'sender ratchet private key'),
  };
  return {
    ratchetKeyPair,
    chainKey: reader.requiredBytes(SenderChainField.ChainKey, 'sender chain key'),
    index: reader.requiredUint32(SenderChainField.Index, 'sender chain index'),
  };
}

function encodeReceiverChain(chain: ReceiverChain): Uint8Array {
  const writer = new ProtobufWriter()
    .bytes(ReceiverChainField.RatchetKey, chain.ratchetKey)
    .bytes(ReceiverChainField.ChainKey, chain.chainKey)
    .uint32(ReceiverChainField.Index, chain.index);
  for (const key of chain.skippedMessageKeys) {
    writer.bytes(
      ReceiverChainField.SkippedMessageKey,
      new ProtobufWriter()
        .uint32(SkippedMessageKeyField.Counter, key.counter)
        .bytes(SkippedMessageKeyField.MessageKeySeed, key.messageKeySeed)
        .finish(),
    );
  }
  return writer.finish();
}

function decodeReceiverChain(bytes: Uint8Array): ReceiverChain {
  const reader = recordReader(bytes);
  return {
    ratchetKey: reader.requiredBytes(ReceiverChainField.RatchetKey, 'receiver ratchet key'),
    chainKey: reader.requiredBytes(ReceiverChainField.ChainKey, 'receiver chain key'),
    index: reader.requiredUint32(ReceiverChainField.Index, 'receiver chain index'),
    skippedMessageKeys: reader.repeatedBytes(ReceiverChainField.SkippedMessageKey).map(decodeSkippedMessageKey),
  };
}

function decodeSkippedMessageKey(bytes: Uint8Array): SkippedMessageKey {
  const reader = recordReader(bytes);
  return {
    counter: reader.requiredUint32(SkippedMessageKeyField.Counter, 'skipped key counter'),
    messageKeySeed: reader.requiredBytes(SkippedMessageKeyField.MessageKeySeed, 'skipped message key seed'),
  };
}

function encodePendingPreKey(pending: PendingPreKey): Uint8Array {
  const writer = new ProtobufWriter();
  if (pending.preKeyId !== undefined) writer.uint32(PendingPreKeyField.PreKeyId, pending.preKeyId);
  return writer
    .uint32(PendingPreKeyField.SignedPreKeyId, pending.signedPreKeyId)
    .uint32(PendingPreKeyField.KyberPreKeyId, pending.kyberPreKeyId)
    .bytes(PendingPreKeyField.KyberCiphertext, pending.kyberCiphertext)
    .uint64(PendingPreKeyField.CreatedAt, pending.createdAt)
    .finish();
}

function decodePendingPreKey(bytes: Uint8Array): PendingPreKey {
  const reader = recordReader(bytes);
  const preKeyId = reader.optionalUint32(PendingPreKeyField.PreKeyId);
  return {
    ...(preKeyId === undefined ? {} : { preKeyId }),
    signedPreKeyId: reader.requiredUint32(PendingPreKeyField.SignedPreKeyId, 'pending signed prekey ID'),
    kyberPreKeyId: reader.requiredUint32(PendingPreKeyField.KyberPreKeyId, 'pending Kyber prekey ID'),
    kyberCiphertext: reader.requiredBytes(PendingPreKeyField.KyberCiphertext, 'pending Kyber ciphertext'),
    // Records written before sessions were dated count as expired: the bundle may be stale.
    createdAt: reader.optionalUint64(PendingPreKeyField.CreatedAt) ?? 0,
  };
}
