import {
  type CurveKeyPair,
  deserializeKyberPreKeyRecord,
  deserializePreKeyRecord,
  deserializeSessionRecord,
  deserializeSignedPreKeyRecord,
  type IdentityKeyStore,
  type KyberPreKeyRecord,
  type KyberPreKeyStore,
  type PreKeyRecord,
  type PreKeyStore,
  type ProtocolAddress,
  type SessionRecord,
  type SessionStore,
  type SignedPreKeyRecord,
  type SignedPreKeyStore,
  serializeKyberPreKeyRecord,
  serializePreKeyRecord,
  serializeSessionRecord,
  serializeSignedPreKeyRecord,
} from '@coming/signal';
import type { StateKeeper } from '../state-keeper';

/** The device's Signal state inside the client state, every record serialized as base64. */
export interface SignalState {
  registrationId: number;
  signedPreKeys: Record<string, string>;
  preKeys: Record<string, string>;
  kyberPreKeys: Record<string, string>;
  lastResortKyberPreKeyId: number;
  nextPreKeyId: number;
  /** Keyed by "<account>.<device>". */
  sessions: Record<string, string>;
  /** Identity keys of contacts, verified against their account IDs, keyed by account. */
  identities: Record<string, string>;
}

const encode = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const decode = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const addressKey = ({ name, deviceId }: ProtocolAddress) => `${name}.${deviceId}`;

/**
 * libs/signal's five stores over the client state. Writes change the state in memory;
 * callers save it (StateKeeper) before acknowledging or reporting success. Identity
 * trust is decided above this store, by account signatures, so every key is "trusted" here.
 */
export class ClientSignalStore implements SessionStore, IdentityKeyStore, PreKeyStore, SignedPreKeyStore, KyberPreKeyStore {
  constructor(
    private readonly keeper: StateKeeper,
    private readonly identityKeyPair: CurveKeyPair,
  ) {}

  private get state(): SignalState {
    const signal = this.keeper.state.signal;
    if (signal === undefined) throw new Error('Signal keys are not set up yet');
    return signal;
  }

  async loadSession(address: ProtocolAddress): Promise<SessionRecord | undefined> {
    const stored = this.state.sessions[addressKey(address)];
    return stored === undefined ? undefined : deserializeSessionRecord(decode(stored));
  }

  async storeSession(address: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.state.sessions[addressKey(address)] = encode(serializeSessionRecord(record));
  }

  /**
   * Notes what decrypting a message from `address` may change (its session, the sender's
   * identity key, one-time prekeys) and returns what puts it back, for a message that
   * turns out forged.
   */
  checkpoint(address: ProtocolAddress): () => void {
    const state = this.state;
    const key = addressKey(address);
    const session = state.sessions[key];
    const identity = state.identities[address.name];
    const preKeys = { ...state.preKeys };
    const kyberPreKeys = { ...state.kyberPreKeys };
    return () => {
      putBack(state.sessions, key, session);
      putBack(state.identities, address.name, identity);
      state.preKeys = preKeys;
      state.kyberPreKeys = kyberPreKeys;
    };
  }

  async getIdentityKeyPair(): Promise<CurveKeyPair> {
    return this.identityKeyPair;
  }

  async getLocalRegistrationId(): Promise<number> {
    return this.state.registrationId;
  }

  async saveIdentity(address: ProtocolAddress, identityKey: Uint8Array): Promise<boolean> {
    const previous = this.state.identities[address.name];
    this.state.identities[address.name] = encode(identityKey);
    return previous !== undefined && previous !== encode(identityKey);
  }

  async isTrustedIdentity(): Promise<boolean> {
    return true;
  }

  async getIdentity(address: ProtocolAddress): Promise<Uint8Array | undefined> {
    const stored = this.state.identities[address.name];
    return stored === undefined ? undefined : decode(stored);
  }

  async loadPreKey(id: number): Promise<PreKeyRecord | undefined> {
    const stored = this.state.preKeys[id];
    return stored === undefined ? undefined : deserializePreKeyRecord(decode(stored));
  }

  async storePreKey(record: PreKeyRecord): Promise<void> {
    this.state.preKeys[record.id] = encode(serializePreKeyRecord(record));
  }

  async removePreKey(id: number): Promise<void> {
    delete this.state.preKeys[id];
  }

  async loadSignedPreKey(id: number): Promise<SignedPreKeyRecord | undefined> {
    const stored = this.state.signedPreKeys[id];
    return stored === undefined ? undefined : deserializeSignedPreKeyRecord(decode(stored));
  }

  async storeSignedPreKey(record: SignedPreKeyRecord): Promise<void> {
    this.state.signedPreKeys[record.id] = encode(serializeSignedPreKeyRecord(record));
  }

  async loadKyberPreKey(id: number): Promise<KyberPreKeyRecord | undefined> {
    const stored = this.state.kyberPreKeys[id];
    return stored === undefined ? undefined : deserializeKyberPreKeyRecord(decode(stored));
  }

  async storeKyberPreKey(record: KyberPreKeyRecord): Promise<void> {
    this.state.kyberPreKeys[record.id] = encode(serializeKyberPreKeyRecord(record));
  }

  /** One-time Kyber prekeys go once used; the last-resort one stays. */
  async markKyberPreKeyUsed(id: number): Promise<void> {
    if (id !== this.state.lastResortKyberPreKeyId) delete this.state.kyberPreKeys[id];
  }
}

function putBack(records: Record<string, string>, key: string, value: string | undefined) {
  if (value === undefined) delete records[key];
  else records[key] = value;
}
