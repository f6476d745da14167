import type { IdentityKeyStore } from './identity-key.store';
import type { KyberPreKeyStore } from './kyber-pre-key.store';
import type { PreKeyStore } from './pre-key.store';
import type { SessionStore } from './session.store';
import type { SignedPreKeyStore } from './signed-pre-key.store';

export interface SignalProtocolStores {
  sessionStore: SessionStore;
  identityKeyStore: IdentityKeyStore;
  preKeyStore: PreKeyStore;
  signedPreKeyStore: SignedPreKeyStore;
  kyberPreKeyStore: KyberPreKeyStore;
}
