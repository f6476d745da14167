import { type KyberKeyPair, generateKyberKeyPair } from '../kyber/kyber1024';
import { type CurveKeyPair, generateCurveKeyPair } from './curve-key-pair';
import { xeddsaSign } from './xeddsa';

export interface PreKeyRecord {
  id: number;
  keyPair: CurveKeyPair;
}

export interface SignedPreKeyRecord {
  id: number;
  keyPair: CurveKeyPair;
  /** XEdDSA by the identity key over the serialized public key. */
  signature: Uint8Array;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export interface KyberPreKeyRecord {
  id: number;
  keyPair: KyberKeyPair;
  /** XEdDSA by the identity key over the serialized Kyber public key. */
  signature: Uint8Array;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export function generatePreKey(id: number): PreKeyRecord {
  return { id, keyPair: generateCurveKeyPair() };
}

export function generateSignedPreKey(identityKeyPair: CurveKeyPair, id: number, timestamp: number): SignedPreKeyRecord {
  const keyPair = generateCurveKeyPair();
  return { id, keyPair, signature: xeddsaSign(identityKeyPair.privateKey, keyPair.publicKey), timestamp };
}

export function generateKyberPreKey(identityKeyPair: CurveKeyPair, id: number, timestamp: number): KyberPreKeyRecord {
  const keyPair = generateKyberKeyPair();
  return { id, keyPair, signature: xeddsaSign(identityKeyPair.privateKey, keyPair.publicKey), timestamp };
}
