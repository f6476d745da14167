import type { IdentityKeyStore } from '../stores/identity-key.store';
import type { KyberPreKeyStore } from '../stores/kyber-pre-key.store';
import type { PreKeyStore } from '../stores/pre-key.store';
import type { SessionStore } from '../stores/session.store';
import type { SignedPreKeyStore } from '../stores/signed-pre-key.store';

export interface SignalProtocolStores {
  sessionStore: SessionStore;
  identityKeyStore: IdentityKeyStore;
  preKeyStore: PreKeyStore;
  signedPreKeyStore: SignedPreKeyStore;
  kyberPreKeyStore: KyberPreKeyStore;
}
