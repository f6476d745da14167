import { constantTimeEqual } from '../crypto/bytes';
import type { CurveKeyPair } from '../keys/curve-key-pair';
import type { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '../keys/pre-key-records';
import { deserializeSessionRecord, serializeSessionRecord } from '../ratchet/session-record.codec';
import type { SessionRecord } from '../ratchet/session-record';
import type { IdentityKeyStore } from './identity-key.store';
import type { KyberPreKeyStore } from './kyber-pre-key.store';
import type { PreKeyStore } from './pre-key.store';
import { type ProtocolAddress, protocolAddressKey } from './protocol-address';
import type { SessionStore } from './session.store';
import type { SignedPreKeyStore } from './signed-pre-key.store';

/**
 * All five stores in memory, for tests and tools. Sessions are kept serialized, so every
 * load is a fresh copy, as with a real database. Identities are trusted on first use.
 */
export class InMemorySignalProtocolStore implements SessionStore, IdentityKeyStore, PreKeyStore, SignedPreKeyStore, KyberPreKeyStore {
  private readonly sessions = new Map<string, Uint8Array>();
  private readonly identities = new Map<string, Uint8Array>();
  private readonly preKeys = new Map<number, PreKeyRecord>();
  private readonly signedPreKeys = new Map<number, SignedPreKeyRecord>();
  private readonly kyberPreKeys = new Map<number, KyberPreKeyRecord>();
  readonly usedKyberPreKeys: { id: number; signedPreKeyId: number; baseKey: Uint8Array }[] = [];

  constructor(
    private readonly identityKeyPair: CurveKeyPair,
    private readonly registrationId: number,
  ) {}

  async loadSession(address: ProtocolAddress): Promise<SessionRecord | undefined> {
    const serialized = this.sessions.get(protocolAddressKey(address));
    return serialized && deserializeSessionRecord(serialized);
  }

  async storeSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.sessions.set(protocolAddressKey(address), serializeSessionRecord(record));
  }

  async getIdentityKeyPair(): Promise<CurveKeyPair> {
    return this.identityKeyPair;
  }

  async getLocalRegistrationId(): Promise<number> {
    return this.registrationId;
  }

  async saveIdentity(address: ProtocolAddress, identityKey: Uint8Array): Promise<boolean> {
    const key = protocolAddressKey(address);
    const existing = this.identities.get(key);
    this.identities.set(key, identityKey);
    return existing !== undefined && !constantTimeEqual(existing, identityKey);
  }

  async isTrustedIdentity(address: ProtocolAddress, identityKey: Uint8Array): Promise<boolean> {
    const existing = this.identities.get(protocolAddressKey(address));
    return existing === undefined || constantTimeEqual(existing, identityKey);
  }

  async getIdentity(address: ProtocolAddress): Promise<Uint8Array | undefined> {
    return this.identities.get(protocolAddressKey(address));
  }

  async loadPreKey(id: number): Promise<PreKeyRecord | undefined> {
    return this.preKeys.get(id);
  }

  async storePreKey(record: PreKeyRecord): Promise<void> {
    this.preKeys.set(record.id, record);
  }

  async removePreKey(id: number): Promise<void> {
    this.preKeys.delete(id);
  }

  async loadSignedPreKey(id: number): Promise<SignedPreKeyRecord | undefined> {
    return this.signedPreKeys.get(id);
  }

  async storeSignedPreKey(record: SignedPreKeyRecord): Promise<void> {
    this.signedPreKeys.set(record.id, record);
  }

  async loadKyberPreKey(id: number): Promise<KyberPreKeyRecord | undefined> {
    return this.kyberPreKeys.get(id);
  }

  async storeKyberPreKey(record: KyberPreKeyRecord): Promise<void> {
    this.kyberPreKeys.set(record.id, record);
  }

  async markKyberPreKeyUsed(id: number, signedPreKeyId: number, baseKey: Uint8Array): Promise<void> {
    this.usedKyberPreKeys.push({ id, signedPreKeyId, baseKey });
  }
}
