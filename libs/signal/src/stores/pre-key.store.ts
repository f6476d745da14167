import type { PreKeyRecord } from '../keys/pre-key-records';

export interface PreKeyStore {
  loadPreKey(id: number): Promise<PreKeyRecord | undefined>;
  storePreKey(record: PreKeyRecord): Promise<void>;
  /** One-time prekeys are removed once a session has used them. */
  removePreKey(id: number): Promise<void>;
}
