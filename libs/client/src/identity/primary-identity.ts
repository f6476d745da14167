import {
  accountKeyFromSeed,
  type LoginClaim,
  seedFromMnemonic,
  signIdentityKey,
  signalIdentityKeyFromSeed,
  signLogin,
} from '@coming/identity';
import type { keys } from '@coming/proto';
import { type CurveKeyPair, curveKeyPairFromPrivateKey } from '@coming/signal';
import type { DeviceIdentity } from './device-identity';

/** The device that holds the mnemonic: every key derives from it, and it logs in with the account key. */
export class PrimaryIdentity implements DeviceIdentity {
  readonly accountId: string;
  readonly identityKeyPair: CurveKeyPair;
  readonly identityKey: keys.IdentityKey;
  private readonly accountPrivateKey: Uint8Array;

  constructor(mnemonic: string) {
    const seed = seedFromMnemonic(mnemonic);
    const account = accountKeyFromSeed(seed);
    this.accountId = account.accountId;
    this.accountPrivateKey = account.privateKey;
    this.identityKeyPair = curveKeyPairFromPrivateKey(signalIdentityKeyFromSeed(seed));
    const publicKey = this.identityKeyPair.publicKey;
    this.identityKey = { publicKey, accountSignature: signIdentityKey(account.accountId, publicKey, account.privateKey) };
  }

  signLogin(claim: Omit<LoginClaim, 'accountId'>): Uint8Array {
    return signLogin({ ...claim, accountId: this.accountId }, this.accountPrivateKey);
  }
}
