import type { KyberPreKeyRecord } from '../keys/pre-key-records';

export interface KyberPreKeyStore {
  loadKyberPreKey(id: number): Promise<KyberPreKeyRecord | undefined>;
  storeKyberPreKey(record: KyberPreKeyRecord): Promise<void>;
  /**
   * Called after a session used the key. A one-time Kyber prekey should be removed; the
   * last-resort key stays, and the store may reject a repeated (signed prekey, base key) pair.
   */
  markKyberPreKeyUsed(id: number, signedPreKeyId: number, baseKey: Uint8Array): Promise<void>;
}
