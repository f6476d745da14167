import { schnorr } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { accountIdFromPublicKey } from './account-id';

/**
 * Where the account key sits in the BIP-32 tree of the user's mnemonic. Purpose 13' is
 * no BIP-43 wallet purpose, so no wallet derives spending keys there, and it is apart
 * from the BIP-84 branch (m/84'/0'/0') that holds payment addresses: coins received
 * never link on chain to the identity. All levels are hardened so that a leaked
 * extended public key of one branch reveals nothing of the other.
 */
export const ACCOUNT_KEY_PATH = "m/13'/0'/0'";

export class InvalidMnemonicError extends Error {
  override readonly name = 'InvalidMnemonicError';
}

export interface AccountKey {
  accountId: string;
  /** x-only secp256k1 public key, 32 bytes. */
  publicKey: Uint8Array;
  /** Never leaves the client. */
  privateKey: Uint8Array;
}

export function createMnemonic(): string {
  // 256 bits of entropy: 24 words.
  return generateMnemonic(wordlist, 256);
}

/**
 * The BIP-39 seed every key of the account derives from. Stretching the phrase costs
 * thousands of hash rounds, so callers derive the seed once and keep it.
 */
export function seedFromMnemonic(mnemonic: string): Uint8Array {
  const normalized = mnemonic.trim().split(/\s+/).join(' ');
  if (!validateMnemonic(normalized, wordlist)) {
    throw new InvalidMnemonicError('the mnemonic is not a valid BIP-39 English phrase (check the words and their order)');
  }
  return mnemonicToSeedSync(normalized);
}

export function accountKeyFromMnemonic(mnemonic: string): AccountKey {
  return accountKeyFromSeed(seedFromMnemonic(mnemonic));
}

export function accountKeyFromSeed(seed: Uint8Array): AccountKey {
  const node = HDKey.fromMasterSeed(seed).derive(ACCOUNT_KEY_PATH);
  if (node.privateKey === null) throw new InvalidMnemonicError('the mnemonic derived no private key');
  const publicKey = schnorr.getPublicKey(node.privateKey);
  return { accountId: accountIdFromPublicKey(publicKey), publicKey, privateKey: node.privateKey };
}
