import type { auth, keys } from '@coming/proto';
import type { CurveKeyPair } from '@coming/signal';
import type { LoginApi } from '../transport/login-api';

/**
 * What a device proves itself with: whose account it belongs to, the account's Signal
 * identity key, and how it logs in. The parts of the client take this, never the
 * mnemonic: a primary logs in with the account key, a linked device with its own device
 * key and the certificate the account key signed for it.
 */
export interface DeviceIdentity {
  readonly accountId: string;
  /**
   * The account's Signal identity private key as every device of the account holds it
   * (before clamping): device names are sealed under a key derived from it.
   */
  readonly identityPrivateKey: Uint8Array;
  /** The account's Signal identity key pair, shared by all its devices. */
  readonly identityKeyPair: CurveKeyPair;
  /** The public identity key with the account key's signature over it, which contacts check. */
  readonly identityKey: keys.IdentityKey;
  /** Logs this device in as `deviceId` (0 registers it), naming the server's audience. */
  login(api: LoginApi, deviceId: number, audience: string): Promise<auth.LoggedIn>;
}
