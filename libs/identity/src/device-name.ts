import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { MAX_ENCRYPTED_DEVICE_NAME_BYTES } from '@coming/proto';
import { open, seal } from './sealed-box';

/** Longest device name, in characters; sealed, it stays under MAX_ENCRYPTED_DEVICE_NAME_BYTES. */
export const MAX_DEVICE_NAME_LENGTH = 64;

export class InvalidDeviceNameError extends Error {
  override readonly name = 'InvalidDeviceNameError';
}

/**
 * Device names are sealed under a key derived from the account's Signal identity key,
 * which every device of the account holds and the server never sees: the server stores
 * and lists the names without reading them. The account ID is bound in, so a name cannot
 * be moved to another account's list.
 */
function nameKey(identityPrivateKey: Uint8Array): Uint8Array {
  return hkdf(sha256, identityPrivateKey, undefined, utf8ToBytes('coming/device-name/v1'), 32);
}

export function encryptDeviceName(name: string, accountId: string, identityPrivateKey: Uint8Array): Uint8Array {
  const trimmed = name.trim();
  if (trimmed === '' || [...trimmed].length > MAX_DEVICE_NAME_LENGTH) {
    throw new InvalidDeviceNameError(`a device name must be 1 to ${MAX_DEVICE_NAME_LENGTH} characters`);
  }
  const sealed = seal(nameKey(identityPrivateKey), utf8ToBytes(trimmed), utf8ToBytes(accountId));
  // Four bytes a character at most, so this holds by the length check; kept as the server's own bound.
  if (sealed.length > MAX_ENCRYPTED_DEVICE_NAME_BYTES) throw new InvalidDeviceNameError('the device name is too long once encrypted');
  return sealed;
}

/** The name; throws SealedBoxError when it was not sealed by this account's devices. */
export function decryptDeviceName(encryptedName: Uint8Array, accountId: string, identityPrivateKey: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(open(nameKey(identityPrivateKey), encryptedName, utf8ToBytes(accountId)));
}
