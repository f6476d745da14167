import type { LoginClaim } from '@coming/identity';
import type { keys } from '@coming/proto';
import type { CurveKeyPair } from '@coming/signal';

/**
 * What a device proves itself with: whose account it belongs to, the account's Signal
 * identity key, and how it signs a login. The parts of the client take this, never the
 * mnemonic, so that a device without one (a linked device holding its own device key and
 * a certificate signed by the account key) can stand in for the primary later.
 */
export interface DeviceIdentity {
  readonly accountId: string;
  /** The account's Signal identity key pair, shared by all its devices. */
  readonly identityKeyPair: CurveKeyPair;
  /** The public identity key with the account key's signature over it, which contacts check. */
  readonly identityKey: keys.IdentityKey;
  /** Signs a login challenge for this device, bound to the server's audience. */
  signLogin(claim: Omit<LoginClaim, 'accountId'>): Uint8Array;
}
