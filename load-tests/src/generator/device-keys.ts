import { type AccountKey, signIdentityKey } from '@coming/identity';
import type { wire } from '@coming/proto';
import { generateCurveKeyPair, generateKyberPreKey, generateSignedPreKey } from '@coming/signal';

/**
 * Keys every generated device shares. A device counts as a recipient only once it has
 * published its keys; the server checks each account's signature over its identity key,
 * not that keys differ between accounts, and one shared set keeps thousands of uploads
 * cheap. The generator never encrypts, so nobody needs the private halves.
 */
let shared: (Omit<wire.UploadKeysRequest, 'identityKey'> & { identityPublicKey: Uint8Array }) | undefined;

/** The first upload a real device makes, without one-time prekeys. */
export function firstKeysOf(key: AccountKey): wire.UploadKeysRequest {
  shared ??= sharedKeys();
  const { identityPublicKey, ...rest } = shared;
  return {
    ...rest,
    identityKey: { publicKey: identityPublicKey, accountSignature: signIdentityKey(key.accountId, identityPublicKey, key.privateKey) },
  };
}

function sharedKeys() {
  const identity = generateCurveKeyPair();
  const signed = generateSignedPreKey(identity, 1, Date.now());
  const lastResort = generateKyberPreKey(identity, 2, Date.now());
  return {
    identityPublicKey: identity.publicKey,
    registrationId: 1,
    signedPreKey: { keyId: signed.id, publicKey: signed.keyPair.publicKey, signature: signed.signature },
    lastResortKyberPreKey: { keyId: lastResort.id, publicKey: lastResort.keyPair.publicKey, signature: lastResort.signature },
    oneTimePreKeys: [],
    oneTimeKyberPreKeys: [],
  };
}
