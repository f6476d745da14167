import { schnorr } from '@noble/curves/secp256k1.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { DEVICE_REMOVAL_NONCE_BYTES } from '@coming/proto';
import { publicKeyFromAccountId } from './account-id';
import { verifySchnorr } from './schnorr';
import { lengthPrefixed, taggedHash, uint32Bytes, uint64Bytes } from './tagged-hash';

const REMOVAL_TAG = 'coming/device-removal/v1';

/** What the account key authorises: removing one device of one account, once, around one time. */
export interface DeviceRemoval {
  accountId: string;
  deviceId: number;
  /** When it was signed, milliseconds since the epoch; the server accepts it only near its own clock. */
  timestampMs: number;
  /** Random; with the timestamp, it makes each removal single-use on the server. */
  nonce: Uint8Array;
}

export interface SignedDeviceRemoval extends DeviceRemoval {
  signature: Uint8Array;
}

/** The tagged hash of a removal; the server records it to refuse a replay. */
export function deviceRemovalDigest({ accountId, deviceId, timestampMs, nonce }: DeviceRemoval): Uint8Array {
  return taggedHash(
    REMOVAL_TAG,
    lengthPrefixed(utf8ToBytes(accountId)),
    uint32Bytes(deviceId),
    uint64Bytes(timestampMs),
    lengthPrefixed(nonce),
  );
}

/** Signs the removal of `deviceId` with the account key, now and with a fresh nonce. */
export function signDeviceRemoval(
  accountId: string,
  deviceId: number,
  accountPrivateKey: Uint8Array,
  timestampMs = Date.now(),
): SignedDeviceRemoval {
  const removal = { accountId, deviceId, timestampMs, nonce: randomBytes(DEVICE_REMOVAL_NONCE_BYTES) };
  return { ...removal, signature: schnorr.sign(deviceRemovalDigest(removal), accountPrivateKey) };
}

export function verifyDeviceRemoval(removal: DeviceRemoval, signature: Uint8Array): boolean {
  if (!Number.isSafeInteger(removal.timestampMs) || removal.timestampMs < 0) return false;
  try {
    return verifySchnorr(signature, deviceRemovalDigest(removal), publicKeyFromAccountId(removal.accountId));
  } catch {
    return false;
  }
}
