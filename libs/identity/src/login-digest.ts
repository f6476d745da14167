import { schnorr } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { publicKeyFromAccountId } from './account-id';
import { verifySchnorr } from './schnorr';
import { lengthPrefixed, taggedHash, uint32Bytes } from './tagged-hash';

// A primary signs with the account key, a linked device with its own device key; the tags
// differ so that neither kind of login signature can stand in for the other.
const LOGIN_TAG = 'coming/login/v1';
const LINKED_LOGIN_TAG = 'coming/linked-login/v1';

export interface LoginClaim {
  /** The server's single-use 32-byte challenge. */
  challenge: Uint8Array;
  accountId: string;
  /** 0 asks the server to register a new device. */
  deviceId: number;
  /** Names the deployment, so a signature for one server is useless at another. */
  audience: string;
}

/**
 * BIP-340 tagged hash of everything a login signature vouches for. Variable-length
 * fields are length-prefixed so that no two claims share an encoding.
 */
export function loginDigest(claim: LoginClaim): Uint8Array {
  return claimDigest(LOGIN_TAG, claim);
}

export function signLogin(claim: LoginClaim, privateKey: Uint8Array): Uint8Array {
  return schnorr.sign(loginDigest(claim), privateKey);
}

export function verifyLogin(claim: LoginClaim, signature: Uint8Array): boolean {
  try {
    return verifySchnorr(signature, loginDigest(claim), publicKeyFromAccountId(claim.accountId));
  } catch {
    // An account ID that is not a point on the curve cannot have signed anything.
    return false;
  }
}

/** A linked device's login: the same claim, signed by its device key (see device-certificate.ts). */
export function signLinkedLogin(claim: LoginClaim, devicePrivateKey: Uint8Array): Uint8Array {
  return schnorr.sign(claimDigest(LINKED_LOGIN_TAG, claim), devicePrivateKey);
}

export function verifyLinkedLogin(claim: LoginClaim, devicePublicKey: Uint8Array, signature: Uint8Array): boolean {
  return verifySchnorr(signature, claimDigest(LINKED_LOGIN_TAG, claim), devicePublicKey);
}

function claimDigest(tag: string, { challenge, accountId, deviceId, audience }: LoginClaim): Uint8Array {
  return taggedHash(
    tag,
    lengthPrefixed(challenge),
    lengthPrefixed(utf8ToBytes(accountId)),
    uint32Bytes(deviceId),
    lengthPrefixed(utf8ToBytes(audience)),
  );
}
