import type { CurveKeyPair } from '../keys/curve-key-pair';

/** A message key kept for a counter the chain has already passed. */
export interface SkippedMessageKey {
  counter: number;
  messageKeySeed: Uint8Array;
}

export interface SenderChain {
  ratchetKeyPair: CurveKeyPair;
  chainKey: Uint8Array;
  /** Counter of the next message to send. */
  index: number;
}

export interface ReceiverChain {
  /** The peer's ratchet public key (`0x05 ‖ 32`) that names this chain. */
  ratchetKey: Uint8Array;
  chainKey: Uint8Array;
  /** Counter of the next message expected. */
  index: number;
  skippedMessageKeys: SkippedMessageKey[];
}

/** What the initiator repeats in every PreKeySignalMessage until the responder replies. */
export interface PendingPreKey {
  preKeyId?: number;
  signedPreKeyId: number;
  kyberPreKeyId: number;
  kyberCiphertext: Uint8Array;
  /** When the session was set up, in milliseconds since the epoch: it expires unanswered. */
  createdAt: number;
}

export interface SessionState {
  version: number;
  localIdentityKey: Uint8Array;
  remoteIdentityKey: Uint8Array;
  localRegistrationId: number;
  remoteRegistrationId: number;
  rootKey: Uint8Array;
  /** Length N of our previous sending chain; messages carry N − 1, as libsignal's do. */
  previousCounter: number;
  senderChain: SenderChain;
  /** Oldest first. */
  receiverChains: ReceiverChain[];
  /** The initiator's PQXDH base key: names the session on both sides. */
  baseKey: Uint8Array;
  pendingPreKey?: PendingPreKey;
}

/** Decryption works on a copy so that a failed attempt leaves the stored state untouched. */
export function cloneSessionState(state: SessionState): SessionState {
  return structuredClone(state);
}
