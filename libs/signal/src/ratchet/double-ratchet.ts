import { constantTimeEqual } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';
import { generateEphemeralKeyPair } from '../keys/curve-key-pair';
import { createPreKeySignalMessage, type PreKeySignalMessage } from '../protocol/pre-key-signal-message';
import { createSignalMessage, type SignalMessage, verifySignalMessageMac } from '../protocol/signal-message';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';
import { deriveMessageKeys, stepChainKey } from './chain-key';
import { MAX_FORWARD_JUMPS, MAX_RECEIVER_CHAINS, MAX_SKIPPED_MESSAGE_KEYS } from './ratchet-limits';
import { stepRootKey } from './root-key';
import type { ReceiverChain, SessionState } from './session-state';

/** Encrypts the next message on the sending chain and advances it; mutates `state`. */
export async function ratchetEncrypt(
  state: SessionState,
  plaintext: Uint8Array,
  crypto: CryptoBackend,
): Promise<SignalMessage | PreKeySignalMessage> {
  const chain = state.senderChain;
  const { messageKeySeed, nextChainKey } = await stepChainKey(chain.chainKey, crypto);
  const keys = await deriveMessageKeys(messageKeySeed, crypto);
  const message = await createSignalMessage(
    {
      ratchetKey: chain.ratchetKeyPair.publicKey,
      counter: chain.index,
      // libsignal writes the index of the last message of the previous chain, N − 1 (0 when N
      // is 0), not the chain's length N; matching it keeps the header from fingerprinting us.
      previousCounter: Math.max(state.previousCounter, 1) - 1,
      ciphertext: await crypto.aes256CbcEncrypt(keys.cipherKey, keys.iv, plaintext),
    },
    { macKey: keys.macKey, senderIdentityKey: state.localIdentityKey, receiverIdentityKey: state.remoteIdentityKey },
    crypto,
  );
  chain.chainKey = nextChainKey;
  chain.index++;
  if (!state.pendingPreKey) return message;
  return createPreKeySignalMessage({
    ...state.pendingPreKey,
    registrationId: state.localRegistrationId,
    baseKey: state.baseKey,
    identityKey: state.localIdentityKey,
    message,
  });
}

/**
 * Decrypts a message and advances the ratchet; mutates `state`, so callers pass a copy and
 * keep it only on success.
 */
export async function ratchetDecrypt(state: SessionState, message: SignalMessage, crypto: CryptoBackend): Promise<Uint8Array> {
  const chain = await receiverChainFor(state, message.ratchetKey, crypto);
  const keys = await deriveMessageKeys(await messageKeySeedFor(chain, message.counter, crypto), crypto);
  const macKeys = { macKey: keys.macKey, senderIdentityKey: state.remoteIdentityKey, receiverIdentityKey: state.localIdentityKey };
  if (!(await verifySignalMessageMac(message, macKeys, crypto))) {
    throw new SignalProtocolError(SignalProtocolErrorCode.BadMac, 'message authentication failed');
  }
  let plaintext;
  try {
    plaintext = await crypto.aes256CbcDecrypt(keys.cipherKey, keys.iv, message.ciphertext);
  } catch (error) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.InvalidMessage,
      `authenticated ciphertext did not decrypt: ${(error as Error).message}`,
    );
  }
  // The peer has our session now, so stop wrapping messages as PreKeySignalMessages.
  delete state.pendingPreKey;
  return plaintext;
}

/** Finds the chain for the peer's ratchet key, or takes a Diffie-Hellman ratchet step to make it. */
async function receiverChainFor(state: SessionState, theirRatchetKey: Uint8Array, crypto: CryptoBackend): Promise<ReceiverChain> {
  const existing = state.receiverChains.find((chain) => constantTimeEqual(chain.ratchetKey, theirRatchetKey));
  if (existing) return existing;
  const receiving = await stepRootKey(state.rootKey, theirRatchetKey, state.senderChain.ratchetKeyPair.privateKey, crypto);
  const ratchetKeyPair = await generateEphemeralKeyPair(crypto);
  const sending = await stepRootKey(receiving.rootKey, theirRatchetKey, ratchetKeyPair.privateKey, crypto);
  const chain: ReceiverChain = { ratchetKey: theirRatchetKey, chainKey: receiving.chainKey, index: 0, skippedMessageKeys: [] };
  state.receiverChains.push(chain);
  if (state.receiverChains.length > MAX_RECEIVER_CHAINS) state.receiverChains.shift();
  state.rootKey = sending.rootKey;
  state.previousCounter = state.senderChain.index;
  state.senderChain = { ratchetKeyPair, chainKey: sending.chainKey, index: 0 };
  return chain;
}

async function messageKeySeedFor(chain: ReceiverChain, counter: number, crypto: CryptoBackend): Promise<Uint8Array> {
  if (counter < chain.index) {
    const position = chain.skippedMessageKeys.findIndex((key) => key.counter === counter);
    if (position < 0) {
      throw new SignalProtocolError(
        SignalProtocolErrorCode.DuplicateMessage,
        `message ${counter} was already received (chain is at ${chain.index})`,
      );
    }
    return chain.skippedMessageKeys.splice(position, 1)[0]!.messageKeySeed;
  }
  if (counter - chain.index > MAX_FORWARD_JUMPS) {
    throw new SignalProtocolError(
      SignalProtocolErrorCode.InvalidMessage,
      `message ${counter} is ${counter - chain.index} ahead of its chain; the limit is ${MAX_FORWARD_JUMPS}`,
    );
  }
  for (;;) {
    const { messageKeySeed, nextChainKey } = await stepChainKey(chain.chainKey, crypto);
    const stepCounter = chain.index;
    chain.chainKey = nextChainKey;
    chain.index++;
    if (stepCounter === counter) {
      const excess = chain.skippedMessageKeys.length - MAX_SKIPPED_MESSAGE_KEYS;
      if (excess > 0) chain.skippedMessageKeys.splice(0, excess);
      return messageKeySeed;
    }
    chain.skippedMessageKeys.push({ counter: stepCounter, messageKeySeed });
  }
}
