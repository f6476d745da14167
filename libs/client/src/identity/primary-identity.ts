import { accountKeyFromSeed, seedFromMnemonic, signIdentityKey, signalIdentityKeyFromSeed, signLogin } from '@coming/identity';
import type { auth, keys } from '@coming/proto';
import { type CurveKeyPair, curveKeyPairFromPrivateKey } from '@coming/signal';
import type { LoginApi } from '../transport/login-api';
import type { DeviceIdentity } from './device-identity';

/**
 * The device that holds the mnemonic: every key derives from it, and it logs in with the
 * account key. Only it holds the account key, so only it certifies new devices and signs
 * removals (see DeviceManager).
 */
export class PrimaryIdentity implements DeviceIdentity {
  readonly accountId: string;
  readonly accountPrivateKey: Uint8Array;
  readonly identityPrivateKey: Uint8Array;
  readonly identityKeyPair: CurveKeyPair;
  readonly identityKey: keys.IdentityKey;

  constructor(mnemonic: string) {
    const seed = seedFromMnemonic(mnemonic);
    const account = accountKeyFromSeed(seed);
    this.accountId = account.accountId;
    this.accountPrivateKey = account.privateKey;
    this.identityPrivateKey = signalIdentityKeyFromSeed(seed);
    this.identityKeyPair = curveKeyPairFromPrivateKey(this.identityPrivateKey);
    const publicKey = this.identityKeyPair.publicKey;
    this.identityKey = { publicKey, accountSignature: signIdentityKey(account.accountId, publicKey, account.privateKey) };
  }

  async login(api: LoginApi, deviceId: number, audience: string): Promise<auth.LoggedIn> {
    const { accountId } = this;
    const { challenge } = await api.challenge();
    const signature = signLogin({ challenge, accountId, deviceId, audience }, this.accountPrivateKey);
    return api.login({ accountId, deviceId, challenge, signature, audience });
  }
}
