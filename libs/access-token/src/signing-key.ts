import { ed25519 } from '@noble/curves/ed25519.js';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** A fresh Ed25519 signing key, as the base64url seed that AUTH_SIGNING_KEY holds. */
export function generateSigningKey(): string {
  return Buffer.from(ed25519.utils.randomSecretKey()).toString('base64url');
}

/** The base64url public key, for AUTH_PUBLIC_KEY on the gateways. */
export function publicKeyOf(signingKey: string): string {
  return Buffer.from(ed25519.getPublicKey(decodeKey(signingKey, 'signing key'))).toString('base64url');
}

export function importSigningKey(signingKey: string): KeyObject {
  const seed = decodeKey(signingKey, 'signing key');
  const x = Buffer.from(ed25519.getPublicKey(seed)).toString('base64url');
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: signingKey, x }, format: 'jwk' });
}

export function importPublicKey(publicKey: string): KeyObject {
  decodeKey(publicKey, 'public key');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

function decodeKey(value: string, what: string): Uint8Array {
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length !== 32) throw new Error(`the Ed25519 ${what} must be 32 bytes in base64url, got ${bytes.length} bytes`);
  return bytes;
}
