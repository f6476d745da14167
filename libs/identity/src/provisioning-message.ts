import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '@noble/curves/utils.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { devices } from '@coming/proto';
import { signDeviceCertificate, verifyDeviceCertificate } from './device-certificate';
import { signIdentityKey, verifyIdentityKey } from './identity-key-signature';
import type { LinkCode } from './link-code';
import { open, seal, SealedBoxError } from './sealed-box';

const X25519_KEY_BYTES = 32;
// Signal's serialized Curve25519 public keys start with this type byte.
const CURVE_KEY_TYPE = 0x05;

export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError';
}

/** The new device's ephemeral X25519 pair for one link code; thrown away after provisioning. */
export interface ProvisioningKeys {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export function createProvisioningKeys(): ProvisioningKeys {
  const { secretKey, publicKey } = x25519.keygen();
  return { privateKey: secretKey, publicKey };
}

/** What the primary hands over: everything but the mnemonic and the account key. */
export interface PrimaryIdentity {
  accountId: string;
  accountPrivateKey: Uint8Array;
  /** The account's Signal identity private key (signalIdentityKeyFromSeed). */
  identityPrivateKey: Uint8Array;
}

/** Signal's serialized identity public key (0x05 ‖ X25519 key), which the account key signs. */
export function identityPublicKeyOf(identityPrivateKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(CURVE_KEY_TYPE), x25519.getPublicKey(identityPrivateKey));
}

/**
 * The primary's side: certifies the link code's device key with the account key and
 * encrypts, to the link code's ephemeral key, the account ID, the identity key with its
 * account signature, and that certificate. X25519 with a fresh key of the primary's, HKDF
 * over both public keys, XChaCha20-Poly1305 bound to the provisioning address: the
 * server relaying it learns nothing, and cannot move it to another address.
 * Layout: primary's ephemeral public key (32) ‖ sealed box.
 */
export function encryptProvisionMessage(link: LinkCode, primary: PrimaryIdentity, createdAtMs = Date.now()): Uint8Array {
  const message: devices.ProvisionMessage = {
    accountId: primary.accountId,
    identityPrivateKey: primary.identityPrivateKey,
    identityKeySignature: signIdentityKey(primary.accountId, identityPublicKeyOf(primary.identityPrivateKey), primary.accountPrivateKey),
    certificate: signDeviceCertificate(primary.accountId, link.devicePublicKey, primary.accountPrivateKey, createdAtMs),
  };
  const ephemeral = x25519.keygen();
  const key = sharedKey(
    x25519.getSharedSecret(ephemeral.secretKey, link.provisioningPublicKey),
    ephemeral.publicKey,
    link.provisioningPublicKey,
  );
  return concatBytes(ephemeral.publicKey, seal(key, devices.ProvisionMessage.encode(message).finish(), utf8ToBytes(link.address)));
}

export interface ProvisioningWait {
  address: string;
  keys: ProvisioningKeys;
  /** The device key the link code named; the certificate must be for it. */
  devicePublicKey: Uint8Array;
}

/**
 * The new device's side: decrypts and checks what a primary sent. The certificate must
 * name this device's key and be signed by the account's key, and the identity key's
 * signature must hold, or a ProvisioningError says which does not.
 */
export function decryptProvisionMessage(
  ciphertext: Uint8Array,
  wait: ProvisioningWait,
): devices.ProvisionMessage & { certificate: devices.DeviceCertificate } {
  if (ciphertext.length <= X25519_KEY_BYTES) throw new ProvisioningError(`provisioning message is ${ciphertext.length} bytes, too short`);
  const primaryKey = ciphertext.subarray(0, X25519_KEY_BYTES);
  let message: devices.ProvisionMessage;
  try {
    const key = sharedKey(x25519.getSharedSecret(wait.keys.privateKey, primaryKey), primaryKey, wait.keys.publicKey);
    message = devices.ProvisionMessage.decode(open(key, ciphertext.subarray(X25519_KEY_BYTES), utf8ToBytes(wait.address)));
  } catch (error) {
    const reason = error instanceof SealedBoxError ? error.message : 'it is not a provisioning message';
    throw new ProvisioningError(`cannot read the provisioning message: ${reason}`, { cause: error });
  }
  const { certificate, accountId } = message;
  if (certificate === undefined) throw new ProvisioningError('the provisioning message carries no device certificate');
  if (!equalBytes(certificate.devicePublicKey, wait.devicePublicKey)) {
    throw new ProvisioningError("the device certificate is for another device's key");
  }
  if (!verifyDeviceCertificate(accountId, certificate)) {
    throw new ProvisioningError(`the device certificate is not signed by the account key of ${accountId}`);
  }
  if (!verifyIdentityKey(accountId, identityPublicKeyOf(message.identityPrivateKey), message.identityKeySignature)) {
    throw new ProvisioningError(`the identity key is not signed by the account key of ${accountId}`);
  }
  return { ...message, certificate };
}

function sharedKey(secret: Uint8Array, primaryPublicKey: Uint8Array, devicePublicKey: Uint8Array): Uint8Array {
  return hkdf(sha256, secret, concatBytes(primaryPublicKey, devicePublicKey), utf8ToBytes('coming/provisioning/v1'), 32);
}
