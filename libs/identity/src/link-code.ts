import { base64urlnopad } from '@scure/base';
import { PROVISIONING_ADDRESS_BYTES, X_ONLY_PUBLIC_KEY_BYTES } from '@coming/proto';

const SCHEME = 'coming-link:';
const VERSION = '1';
const X25519_PUBLIC_KEY_BYTES = 32;

/** What a new device shows (as text or a QR code) for a primary to approve it. */
export interface LinkCode {
  /** The server's provisioning address of the new device's waiting connection. */
  address: string;
  /** The new device's ephemeral X25519 public key: the provisioning message is encrypted to it. */
  provisioningPublicKey: Uint8Array;
  /** The new device's own secp256k1 key (x-only), which its certificate will name. */
  devicePublicKey: Uint8Array;
}

export class InvalidLinkCodeError extends Error {
  override readonly name = 'InvalidLinkCodeError';
}

/**
 * `coming-link:?v=1&a=<address>&k=<X25519 key>&d=<device key>`, keys in base64url: about
 * 150 characters of URI-safe text, which fits a QR code and survives copy and paste.
 */
export function encodeLinkCode({ address, provisioningPublicKey, devicePublicKey }: LinkCode): string {
  const query = new URLSearchParams({
    v: VERSION,
    a: address,
    k: base64urlnopad.encode(provisioningPublicKey),
    d: base64urlnopad.encode(devicePublicKey),
  });
  return `${SCHEME}?${query.toString()}`;
}

/** Reads a link code, naming what is wrong with a bad one. */
export function parseLinkCode(text: string): LinkCode {
  const trimmed = text.trim();
  if (!trimmed.startsWith(SCHEME)) throw new InvalidLinkCodeError(`a link code starts with "${SCHEME}"`);
  const query = new URLSearchParams(trimmed.slice(SCHEME.length).replace(/^\?/, ''));
  if (query.get('v') !== VERSION) throw new InvalidLinkCodeError(`link code version must be ${VERSION}, got "${query.get('v') ?? ''}"`);
  const address = query.get('a') ?? '';
  if (bytesOf(address, 'address (a)').length !== PROVISIONING_ADDRESS_BYTES) {
    throw new InvalidLinkCodeError(`link code address (a) must be ${PROVISIONING_ADDRESS_BYTES} bytes`);
  }
  return {
    address,
    provisioningPublicKey: keyOf(query.get('k') ?? '', 'provisioning key (k)', X25519_PUBLIC_KEY_BYTES),
    devicePublicKey: keyOf(query.get('d') ?? '', 'device key (d)', X_ONLY_PUBLIC_KEY_BYTES),
  };
}

function keyOf(text: string, field: string, length: number): Uint8Array {
  const key = bytesOf(text, field);
  if (key.length !== length) throw new InvalidLinkCodeError(`link code ${field} must be ${length} bytes, got ${key.length}`);
  return key;
}

function bytesOf(text: string, field: string): Uint8Array {
  try {
    return base64urlnopad.decode(text);
  } catch (error) {
    throw new InvalidLinkCodeError(`link code ${field} is not base64url`, { cause: error });
  }
}

/** Whether `text` has the form of a provisioning address (16 bytes in base64url); the gateway checks addresses with it. */
export function isProvisioningAddress(text: string): boolean {
  try {
    return base64urlnopad.decode(text).length === PROVISIONING_ADDRESS_BYTES;
  } catch {
    return false;
  }
}
