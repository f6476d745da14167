import type { CryptoBackend } from '../crypto/crypto-backend';
import { nobleCryptoBackend } from '../crypto/noble-crypto-backend';
import type { PreKeyBundle } from '../pqxdh/pre-key-bundle';
import { createInitiatorSession } from '../pqxdh/pqxdh-initiator';
import { SignalProtocolError, SignalProtocolErrorCode } from '../signal-protocol.errors';
import { Direction, type IdentityKeyStore } from '../stores/identity-key.store';
import type { ProtocolAddress } from '../stores/protocol-address';
import type { SessionStore } from '../stores/session.store';
import { SessionRecord } from './session-record';

/** Starts sessions as the initiator, from a remote device's prekey bundle. */
export class SessionBuilder {
  constructor(
    private readonly stores: { sessionStore: SessionStore; identityKeyStore: IdentityKeyStore },
    private readonly remoteAddress: ProtocolAddress,
    private readonly crypto: CryptoBackend = nobleCryptoBackend,
    /** Milliseconds since the epoch; dates the session, which expires if never answered. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Verifies the bundle, runs PQXDH and makes the new session current, archiving any old one. */
  async processPreKeyBundle(bundle: PreKeyBundle): Promise<void> {
    const { sessionStore, identityKeyStore } = this.stores;
    if (!(await identityKeyStore.isTrustedIdentity(this.remoteAddress, bundle.identityKey, Direction.Sending))) {
      throw new SignalProtocolError(
        SignalProtocolErrorCode.UntrustedIdentity,
        `the identity key of ${this.remoteAddress.name} has changed and is not trusted`,
      );
    }
    const state = await createInitiatorSession(
      {
        identityKeyPair: await identityKeyStore.getIdentityKeyPair(),
        localRegistrationId: await identityKeyStore.getLocalRegistrationId(),
        bundle,
        now: this.now(),
      },
      this.crypto,
    );
    const record = (await sessionStore.loadSession(this.remoteAddress)) ?? new SessionRecord();
    record.promoteState(state);
    await sessionStore.storeSession(this.remoteAddress, record);
    await identityKeyStore.saveIdentity(this.remoteAddress, bundle.identityKey);
  }
}
