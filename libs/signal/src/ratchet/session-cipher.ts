import type { CryptoBackend } from '../crypto/crypto-backend';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import { createResponderSession } from '../pqxdh/pqxdh-responder';
import { CiphertextMessageType } from '../protocol/message-version';
import { type PreKeySignalMessage, parsePreKeySignalMessage } from '../protocol/pre-key-signal-message';
import { parseSignalMessage, type SignalMessage } from '../protocol/signal-message';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';
import { Direction } from '../stores/identity-key.store';
import type { ProtocolAddress } from '../stores/protocol-address';
import { ratchetDecrypt, ratchetEncrypt } from './double-ratchet';
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from './ratchet-limits';
import { SessionRecord } from './session-record';
import { cloneSessionState, type SessionState } from './session-state';
import type { SignalProtocolStores } from '../stores/signal-protocol-stores';

export interface CiphertextMessage {
  type: CiphertextMessageType;
  serialized: Uint8Array;
}

/**
 * Encrypts to and decrypts from one remote device, keeping its session record in the stores.
 * Each call loads, updates and stores the record, so callers must not run two calls for the
 * same remote device at once.
 */
export class SessionCipher {
  constructor(
    private readonly stores: SignalProtocolStores,
    private readonly remoteAddress: ProtocolAddress,
    private readonly crypto: CryptoBackend = nobleCryptoBackend,
    /** Milliseconds since the epoch; tells when an unanswered session has expired. */
    private readonly now: () => number = Date.now,
  ) {}

  async encrypt(plaintext: Uint8Array): Promise<CiphertextMessage> {
    const record = await this.stores.sessionStore.loadSession(this.remoteAddress);
    const state = record?.currentState;
    if (!record || !state) throw this.noSession();
    this.assertNotExpired(state);
    await this.assertTrusted(state.remoteIdentityKey, Direction.Sending);
    const message = await ratchetEncrypt(state, plaintext, this.crypto);
    await this.stores.sessionStore.storeSession(this.remoteAddress, record);
    await this.stores.identityKeyStore.saveIdentity(this.remoteAddress, state.remoteIdentityKey);
    return { type: 'baseKey' in message ? CiphertextMessageType.PreKey : CiphertextMessageType.Whisper, serialized: message.serialized };
  }

  /** Decrypts either kind of message, dispatching on its type. */
  decrypt(message: CiphertextMessage): Promise<Uint8Array> {
    return message.type === CiphertextMessageType.PreKey
      ? this.decryptPreKeySignalMessage(message.serialized)
      : this.decryptSignalMessage(message.serialized);
  }

  async decryptSignalMessage(serialized: Uint8Array): Promise<Uint8Array> {
    const record = await this.stores.sessionStore.loadSession(this.remoteAddress);
    if (!record) throw this.noSession();
    const plaintext = await this.decryptWithRecord(record, parseSignalMessage(serialized));
    await this.stores.sessionStore.storeSession(this.remoteAddress, record);
    return plaintext;
  }

  async decryptPreKeySignalMessage(serialized: Uint8Array): Promise<Uint8Array> {
    const message = parsePreKeySignalMessage(serialized);
    await this.assertTrusted(message.identityKey, Direction.Receiving);
    const record = (await this.stores.sessionStore.loadSession(this.remoteAddress)) ?? new SessionRecord();
    // A repeat of a PreKeySignalMessage we already built a session from: just decrypt it.
    if (record.hasStateWithBaseKey(message.baseKey)) {
      const plaintext = await this.decryptWithRecord(record, message.message);
      await this.stores.sessionStore.storeSession(this.remoteAddress, record);
      return plaintext;
    }
    const state = await this.createResponderState(message);
    const plaintext = await ratchetDecrypt(state, message.message, this.crypto);
    record.promoteState(state);
    await this.stores.sessionStore.storeSession(this.remoteAddress, record);
    await this.stores.identityKeyStore.saveIdentity(this.remoteAddress, message.identityKey);
    if (message.preKeyId !== undefined) await this.stores.preKeyStore.removePreKey(message.preKeyId);
    await this.stores.kyberPreKeyStore.markKyberPreKeyUsed(message.kyberPreKeyId, message.signedPreKeyId, message.baseKey);
    return plaintext;
  }

  private async createResponderState(message: PreKeySignalMessage): Promise<SessionState> {
    const { identityKeyStore, signedPreKeyStore, kyberPreKeyStore, preKeyStore } = this.stores;
    const signedPreKey = await signedPreKeyStore.loadSignedPreKey(message.signedPreKeyId);
    if (!signedPreKey) throw this.unknownPreKey('signed prekey', message.signedPreKeyId);
    const kyberPreKey = await kyberPreKeyStore.loadKyberPreKey(message.kyberPreKeyId);
    if (!kyberPreKey) throw this.unknownPreKey('Kyber prekey', message.kyberPreKeyId);
    const oneTimePreKey = message.preKeyId === undefined ? undefined : await preKeyStore.loadPreKey(message.preKeyId);
    if (message.preKeyId !== undefined && !oneTimePreKey) throw this.unknownPreKey('one-time prekey', message.preKeyId);
    return createResponderSession(
      {
        identityKeyPair: await identityKeyStore.getIdentityKeyPair(),
        localRegistrationId: await identityKeyStore.getLocalRegistrationId(),
        signedPreKeyPair: signedPreKey.keyPair,
        ...(oneTimePreKey ? { oneTimePreKeyPair: oneTimePreKey.keyPair } : {}),
        kyberSecretKey: kyberPreKey.keyPair.secretKey,
        message,
      },
      this.crypto,
    );
  }

  /**
   * Tries the current state, then archived ones, each on a copy; the one that decrypts is
   * kept and becomes current. A duplicate stops the search: another state cannot explain it.
   * Any other failure in every state is BAD_MAC, naming the current state's reason: libsignal
   * reports a bad MAC, a counter too far ahead and a bad ratchet key alike ("decryption
   * failed"), so callers of either library see the same kind.
   */
  private async decryptWithRecord(record: SessionRecord, message: SignalMessage): Promise<Uint8Array> {
    const candidates = [record.currentState, ...record.previousStates];
    let firstError: SignalProtocolError | undefined;
    for (const [position, candidate] of candidates.entries()) {
      if (!candidate) continue;
      const state = cloneSessionState(candidate);
      let plaintext;
      try {
        plaintext = await ratchetDecrypt(state, message, this.crypto);
      } catch (error) {
        if (!(error instanceof SignalProtocolError) || error.code === SignalProtocolErrorCode.DuplicateMessage) throw error;
        firstError ??= error;
        continue;
      }
      await this.assertTrusted(state.remoteIdentityKey, Direction.Receiving);
      if (position === 0) record.currentState = state;
      else record.promotePreviousState(position - 1, state);
      await this.stores.identityKeyStore.saveIdentity(this.remoteAddress, state.remoteIdentityKey);
      return plaintext;
    }
    if (!firstError) throw this.noSession();
    throw new SignalProtocolError(SignalProtocolErrorCode.BadMac, `the message did not decrypt: ${firstError.message}`);
  }

  private async assertTrusted(identityKey: Uint8Array, direction: Direction): Promise<void> {
    if (!(await this.stores.identityKeyStore.isTrustedIdentity(this.remoteAddress, identityKey, direction))) {
      throw new SignalProtocolError(
        SignalProtocolErrorCode.UntrustedIdentity,
        `the identity key of ${this.remoteAddress.name} has changed and is not trusted`,
      );
    }
  }

  /**
   * libsignal refuses to keep sending PreKeySignalMessages more than 30 days after the bundle
   * was fetched: the peer may have deleted the prekeys they name. It reports no session, so
   * that the caller fetches a fresh bundle; so do we.
   */
  private assertNotExpired(state: SessionState): void {
    const pending = state.pendingPreKey;
    if (pending && this.now() - pending.createdAt > MAX_UNACKNOWLEDGED_SESSION_AGE_MS) {
      throw new SignalProtocolError(
        SignalProtocolErrorCode.NoSession,
        `the session with ${this.remoteAddress.name}.${this.remoteAddress.deviceId} was never answered and is over 30 days old; ` +
          'fetch a fresh prekey bundle',
      );
    }
  }

  private noSession(): SignalProtocolError {
    return new SignalProtocolError(
      SignalProtocolErrorCode.NoSession,
      `no session with ${this.remoteAddress.name}.${this.remoteAddress.deviceId}`,
    );
  }

  private unknownPreKey(what: string, id: number): SignalProtocolError {
    return new SignalProtocolError(SignalProtocolErrorCode.UnknownPreKey, `${what} ${id} is not in the store (used up or never uploaded)`);
  }
}
