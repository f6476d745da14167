import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { open, SEALING_KEY_BYTES, seal } from './sealed-box';
import { StoreError, StoreErrorCode } from './store.errors';

/** The home's key file: a random data key, sealed under a key derived from the passphrase. */
export interface PassphraseKeyFile {
  format: 'coming-home-key';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  /** Base64 of the sealed data key. */
  sealedKey: string;
}

// OWASP's scrypt floor is N = 2^17, r = 8, p = 1: 128 MiB and a few hundred milliseconds
// per guess, which is what an attacker holding a copy of the home pays for each try.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_PURPOSE = 'coming home key';

/**
 * Makes a fresh data key and its key file. The data key seals every other file; the
 * passphrase only unlocks it, so a passphrase change rewrites one file.
 */
export async function createPassphraseKey(passphrase: string): Promise<{ file: PassphraseKeyFile; key: Uint8Array }> {
  const salt = randomBytes(SALT_BYTES);
  const key = randomBytes(SEALING_KEY_BYTES);
  const wrapping = await derive(passphrase, salt, SCRYPT);
  const file: PassphraseKeyFile = {
    format: 'coming-home-key',
    version: 1,
    kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('base64') },
    sealedKey: Buffer.from(seal(wrapping, KEY_PURPOSE, key)).toString('base64'),
  };
  return { file, key };
}

/** The data key, or StoreError WRONG_PASSPHRASE. */
export async function unlockPassphraseKey(file: PassphraseKeyFile, passphrase: string): Promise<Uint8Array> {
  if (file.format !== 'coming-home-key' || file.version !== 1 || file.kdf.name !== 'scrypt' || !plausible(file.kdf)) {
    throw new StoreError(StoreErrorCode.UnknownFormat, 'the home key file is not one this version can read');
  }
  const wrapping = await derive(passphrase, Buffer.from(file.kdf.salt, 'base64'), file.kdf);
  try {
    return open(wrapping, KEY_PURPOSE, Buffer.from(file.sealedKey, 'base64'));
  } catch (error) {
    // The only secret in play is the passphrase: a key file that fails to open was given the wrong one.
    throw new StoreError(StoreErrorCode.WrongPassphrase, 'wrong passphrase for this home', { cause: error });
  }
}

/** Refuses parameters that would make unlocking eat the machine (a tampered file) or be cheap to guess. */
function plausible({ N, r, p }: { N: number; r: number; p: number }): boolean {
  return Number.isInteger(Math.log2(N)) && N >= 2 ** 14 && N <= 2 ** 20 && r >= 1 && r <= 16 && p >= 1 && p <= 4;
}

function derive(passphrase: string, salt: Uint8Array, { N, r, p }: { N: number; r: number; p: number }): Promise<Uint8Array> {
  // NFKC, so that the same typed phrase gives the same bytes whatever the input method composed.
  const secret = Buffer.from(passphrase.normalize('NFKC'));
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, SEALING_KEY_BYTES, options, (error, key) => (error === null ? resolve(key) : reject(error))),
  );
}
