import { LoginApi } from '@coming/client';
import { type AccountKey, accountKeyFromSeed, signLogin } from '@coming/identity';
import { randomBytes } from 'node:crypto';

/** One logged-in device of a generated account: what the generator needs to open its socket. */
export interface LoadDevice {
  accountId: string;
  deviceId: number;
  accessToken: string;
}

/** A fresh account key from a random seed, derived the way a mnemonic's seed is. */
export function generateAccountKey(): AccountKey {
  return accountKeyFromSeed(randomBytes(64));
}

/**
 * Logs a new device of the account in through the gateway's HTTP login, as the client SDK
 * does (challenge, BIP-340 signature over the login digest, login), but keeps no store.
 */
export async function loginDevice(serverUrl: string, key: AccountKey, audience = 'coming'): Promise<LoadDevice> {
  const api = new LoginApi(serverUrl);
  const { challenge } = await api.challenge();
  const claim = { challenge, accountId: key.accountId, deviceId: 0, audience };
  const response = await api.login({ accountId: key.accountId, deviceId: 0, challenge, signature: signLogin(claim, key.privateKey) });
  if (response.tokens === undefined) throw new Error(`login of ${key.accountId} returned no tokens`);
  return { accountId: key.accountId, deviceId: response.deviceId, accessToken: response.tokens.accessToken };
}
