import type { SignedPreKeyRecord } from '../keys/pre-key-records';

export interface SignedPreKeyStore {
  loadSignedPreKey(id: number): Promise<SignedPreKeyRecord | undefined>;
  storeSignedPreKey(record: SignedPreKeyRecord): Promise<void>;
}
