import { utf8ToBytes } from '../crypto/bytes';
import type { CryptoBackend } from '../crypto/crypto-backend';

const MESSAGE_KEY_SEED_INPUT = Uint8Array.of(0x01);
const CHAIN_KEY_INPUT = Uint8Array.of(0x02);
const MESSAGE_KEYS_INFO = utf8ToBytes('WhisperMessageKeys');

export interface ChainStep {
  messageKeySeed: Uint8Array;
  nextChainKey: Uint8Array;
}

export interface MessageKeys {
  cipherKey: Uint8Array;
  macKey: Uint8Array;
  iv: Uint8Array;
}

/** The symmetric-key ratchet: one HMAC for this message's seed, one for the next chain key. */
export async function stepChainKey(chainKey: Uint8Array, crypto: CryptoBackend): Promise<ChainStep> {
  const [messageKeySeed, nextChainKey] = await Promise.all([
    crypto.hmacSha256(chainKey, MESSAGE_KEY_SEED_INPUT),
    crypto.hmacSha256(chainKey, CHAIN_KEY_INPUT),
  ]);
  return { messageKeySeed, nextChainKey };
}

export async function deriveMessageKeys(messageKeySeed: Uint8Array, crypto: CryptoBackend): Promise<MessageKeys> {
  const keyMaterial = await crypto.hkdfSha256(messageKeySeed, undefined, MESSAGE_KEYS_INFO, 80);
  return { cipherKey: keyMaterial.subarray(0, 32), macKey: keyMaterial.subarray(32, 64), iv: keyMaterial.subarray(64, 80) };
}
