import { schnorr } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { devices } from '@coming/proto';
import { publicKeyFromAccountId } from './account-id';
import { verifySchnorr } from './schnorr';
import { lengthPrefixed, taggedHash, uint64Bytes } from './tagged-hash';

const CERTIFICATE_TAG = 'coming/device-certificate/v1';

/** A linked device's own key pair (secp256k1, BIP-340); its private half never leaves the device. */
export interface DeviceKey {
  /** x-only, 32 bytes. */
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export function createDeviceKey(): DeviceKey {
  const privateKey = schnorr.utils.randomSecretKey();
  return { publicKey: schnorr.getPublicKey(privateKey), privateKey };
}

/** The tagged hash the account key signs: account, device key and issue time, nothing else. */
function certificateDigest(accountId: string, devicePublicKey: Uint8Array, createdAtMs: number): Uint8Array {
  return taggedHash(CERTIFICATE_TAG, lengthPrefixed(utf8ToBytes(accountId)), lengthPrefixed(devicePublicKey), uint64Bytes(createdAtMs));
}

/**
 * The primary vouches, with the account key, that `devicePublicKey` is a device of the
 * account. The certificate names no device ID: auth assigns one at the device's first login.
 */
export function signDeviceCertificate(
  accountId: string,
  devicePublicKey: Uint8Array,
  accountPrivateKey: Uint8Array,
  createdAtMs = Date.now(),
): devices.DeviceCertificate {
  return {
    devicePublicKey,
    createdAtMs,
    signature: schnorr.sign(certificateDigest(accountId, devicePublicKey, createdAtMs), accountPrivateKey),
  };
}

/** True when the account key of `accountId` signed this certificate; false for anything malformed. */
export function verifyDeviceCertificate(accountId: string, certificate: devices.DeviceCertificate): boolean {
  const { devicePublicKey, createdAtMs, signature } = certificate;
  if (!Number.isSafeInteger(createdAtMs) || createdAtMs < 0) return false;
  try {
    return verifySchnorr(signature, certificateDigest(accountId, devicePublicKey, createdAtMs), publicKeyFromAccountId(accountId));
  } catch {
    // A malformed account ID cannot have signed anything.
    return false;
  }
}
