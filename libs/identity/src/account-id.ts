import { bech32m } from '@scure/base';

const PREFIX = 'coming';
const PUBLIC_KEY_BYTES = 32;
// bech32 caps strings at 90 characters; "coming1" + 52 data + 6 checksum fits well inside.
const MAX_LENGTH = 90;

export class InvalidAccountIdError extends Error {
  override readonly name = 'InvalidAccountIdError';
}

/** The account ID users share instead of a phone number: bech32m of the x-only key. */
export function accountIdFromPublicKey(xOnlyPublicKey: Uint8Array): string {
  if (xOnlyPublicKey.length !== PUBLIC_KEY_BYTES) {
    throw new InvalidAccountIdError(`account public key must be ${PUBLIC_KEY_BYTES} bytes, got ${xOnlyPublicKey.length}`);
  }
  return bech32m.encode(PREFIX, bech32m.toWords(xOnlyPublicKey), MAX_LENGTH);
}

/** Decodes and checks an account ID, naming what is wrong with a bad one. */
export function publicKeyFromAccountId(accountId: string): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(accountId as `${string}1${string}`, MAX_LENGTH);
  } catch (error) {
    throw new InvalidAccountIdError(`"${accountId.slice(0, 100)}" is not a bech32m account ID`, { cause: error });
  }
  if (decoded.prefix !== PREFIX) {
    throw new InvalidAccountIdError(`account ID prefix must be "${PREFIX}", got "${decoded.prefix}"`);
  }
  const publicKey = bech32m.fromWords(decoded.words);
  if (publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new InvalidAccountIdError(`account ID must hold ${PUBLIC_KEY_BYTES} bytes, holds ${publicKey.length}`);
  }
  return publicKey;
}

/**
 * The canonical (lower-case) form of an account ID typed or sent by someone. Bech32m is
 * case-insensitive, so an upper-case ID names the same key; mixed case is refused, as
 * BIP-173 requires. Throws InvalidAccountIdError naming what is wrong.
 */
export function parseAccountId(input: string): string {
  const lower = input.toLowerCase();
  if (input !== lower && input !== input.toUpperCase()) {
    throw new InvalidAccountIdError('account ID mixes upper and lower case');
  }
  publicKeyFromAccountId(lower);
  return lower;
}

export function isAccountId(value: string): boolean {
  try {
    publicKeyFromAccountId(value);
    return true;
  } catch {
    return false;
  }
}
