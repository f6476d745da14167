import type { keys, wire } from '@coming/proto';
import { type CurveKeyPair, generateKyberPreKey, generatePreKey, generateSignedPreKey } from '@coming/signal';
import type { ClientSignalStore, SignalState } from './client-signal-store';

/** One-time prekeys of each kind the device keeps on the server; the server holds at most 100. */
export const ONE_TIME_PRE_KEY_TARGET = 30;
const MAX_REGISTRATION_ID = 16_380;

/** A new device's Signal state: registration ID, signed and last-resort prekeys, no one-time keys yet. */
export function newSignalState(): SignalState {
  return {
    registrationId: 1 + Math.floor(Math.random() * MAX_REGISTRATION_ID),
    signedPreKeys: {},
    preKeys: {},
    kyberPreKeys: {},
    lastResortKyberPreKeyId: 0,
    nextPreKeyId: 1,
    sessions: {},
    identities: {},
  };
}

/**
 * Makes the keys a first upload carries: the identity key with its account signature,
 * a signed prekey, a last-resort Kyber prekey, and a full stock of one-time prekeys.
 */
export async function firstUpload(
  state: SignalState,
  store: ClientSignalStore,
  identityKeyPair: CurveKeyPair,
  identityKey: keys.IdentityKey,
): Promise<wire.UploadKeysRequest> {
  const now = Date.now();
  const signed = generateSignedPreKey(identityKeyPair, takeId(state), now);
  const lastResort = generateKyberPreKey(identityKeyPair, takeId(state), now);
  state.lastResortKyberPreKeyId = lastResort.id;
  await store.storeSignedPreKey(signed);
  await store.storeKyberPreKey(lastResort);
  return {
    ...(await topUp(state, store, identityKeyPair, { ecPreKeys: 0, kyberPreKeys: 0 })),
    identityKey,
    signedPreKey: { keyId: signed.id, publicKey: signed.keyPair.publicKey, signature: signed.signature },
    lastResortKyberPreKey: { keyId: lastResort.id, publicKey: lastResort.keyPair.publicKey, signature: lastResort.signature },
  };
}

/** One-time prekeys to bring the server's stock back to the target. */
export async function topUp(
  state: SignalState,
  store: ClientSignalStore,
  identityKeyPair: CurveKeyPair,
  stock: keys.PreKeyCount,
): Promise<wire.UploadKeysRequest> {
  const now = Date.now();
  const ec = Array.from({ length: Math.max(0, ONE_TIME_PRE_KEY_TARGET - stock.ecPreKeys) }, () => generatePreKey(takeId(state)));
  const kyber = Array.from({ length: Math.max(0, ONE_TIME_PRE_KEY_TARGET - stock.kyberPreKeys) }, () =>
    generateKyberPreKey(identityKeyPair, takeId(state), now),
  );
  for (const record of ec) await store.storePreKey(record);
  for (const record of kyber) await store.storeKyberPreKey(record);
  return {
    registrationId: state.registrationId,
    identityKey: undefined,
    signedPreKey: undefined,
    lastResortKyberPreKey: undefined,
    oneTimePreKeys: ec.map((record) => ({ keyId: record.id, publicKey: record.keyPair.publicKey })),
    oneTimeKyberPreKeys: kyber.map((record) => ({ keyId: record.id, publicKey: record.keyPair.publicKey, signature: record.signature })),
  };
}

/** Key IDs come from one counter, so no two of this device's keys ever share an ID. */
function takeId(state: SignalState): number {
  const id = state.nextPreKeyId;
  state.nextPreKeyId += 1;
  return id;
}
