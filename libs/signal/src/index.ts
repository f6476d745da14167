export { SignalProtocolError, SignalProtocolErrorCode } from './signal-protocol.errors';

export type { CryptoBackend, RawKyberEncapsulation } from './crypto/crypto-backend';
export { nobleCryptoBackend } from './crypto/noble-crypto-backend';
export { createWebCryptoBackend } from './crypto/web-crypto-backend';

export {
  CURVE_KEY_TYPE,
  type CurveKeyPair,
  SERIALIZED_CURVE_PUBLIC_KEY_LENGTH,
  calculateAgreement,
  curveKeyPairFromPrivateKey,
  generateCurveKeyPair,
} from './keys/curve-key-pair';
export { XEDDSA_SIGNATURE_LENGTH, xeddsaSign, xeddsaVerify, xeddsaVerifyAsync } from './keys/xeddsa';
export {
  type KyberPreKeyRecord,
  type PreKeyRecord,
  type SignedPreKeyRecord,
  generateKyberPreKey,
  generatePreKey,
  generateSignedPreKey,
} from './keys/pre-key-records';
export {
  deserializeKyberPreKeyRecord,
  deserializePreKeyRecord,
  deserializeSignedPreKeyRecord,
  serializeKyberPreKeyRecord,
  serializePreKeyRecord,
  serializeSignedPreKeyRecord,
} from './keys/pre-key-records.codec';
export {
  KYBER_1024_KEY_TYPE,
  KYBER_1024_PUBLIC_KEY_LENGTH,
  type KyberEncapsulation,
  type KyberKeyPair,
  generateKyberKeyPair,
  kyberDecapsulate,
  kyberEncapsulate,
  kyberPublicKeyFromSecretKey,
} from './kyber/kyber1024';

export { CiphertextMessageType } from './protocol/message-version';
export { type SignalMessage, parseSignalMessage } from './protocol/signal-message';
export { type PreKeySignalMessage, parsePreKeySignalMessage } from './protocol/pre-key-signal-message';

export type { PreKeyBundle } from './pqxdh/pre-key-bundle';

export { SessionBuilder } from './ratchet/session-builder';
export { type CiphertextMessage, SessionCipher } from './ratchet/session-cipher';
export { SessionRecord } from './ratchet/session-record';
export { deserializeSessionRecord, serializeSessionRecord } from './ratchet/session-record.codec';
export type { SignalProtocolStores } from './stores/signal-protocol-stores';
export {
  MAX_ARCHIVED_STATES,
  MAX_FORWARD_JUMPS,
  MAX_RECEIVER_CHAINS,
  MAX_SKIPPED_MESSAGE_KEYS,
  MAX_UNACKNOWLEDGED_SESSION_AGE_MS,
} from './ratchet/ratchet-limits';

export type { ProtocolAddress } from './stores/protocol-address';
export type { SessionStore } from './stores/session.store';
export { Direction, type IdentityKeyStore } from './stores/identity-key.store';
export type { PreKeyStore } from './stores/pre-key.store';
export type { SignedPreKeyStore } from './stores/signed-pre-key.store';
export type { KyberPreKeyStore } from './stores/kyber-pre-key.store';
export { InMemorySignalProtocolStore } from './stores/in-memory-signal-protocol.store';
