import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { publicKeyFromAccountId } from './account-id';

const LOGIN_TAG = utf8ToBytes('coming/login/v1');
const TAG_HASH = sha256(LOGIN_TAG);

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
export function loginDigest({ challenge, accountId, deviceId, audience }: LoginClaim): Uint8Array {
  const device = new Uint8Array(4);
  new DataView(device.buffer).setUint32(0, deviceId);
  return sha256(
    concatBytes(
      TAG_HASH,
      TAG_HASH,
      lengthPrefixed(challenge),
      lengthPrefixed(utf8ToBytes(accountId)),
      device,
      lengthPrefixed(utf8ToBytes(audience)),
    ),
  );
}

export function signLogin(claim: LoginClaim, privateKey: Uint8Array): Uint8Array {
  return schnorr.sign(loginDigest(claim), privateKey);
}

export function verifyLogin(claim: LoginClaim, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return schnorr.verify(signature, loginDigest(claim), publicKeyFromAccountId(claim.accountId));
  } catch {
    // An account ID that is not a point on the curve cannot have signed anything.
    return false;
  }
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const length = new Uint8Array(2);
  new DataView(length.buffer).setUint16(0, bytes.length);
  return concatBytes(length, bytes);
}
