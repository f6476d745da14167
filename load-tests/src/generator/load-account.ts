import { ClientError, ClientErrorCode, LoginApi } from '@coming/client';
import { type AccountKey, accountKeyFromSeed, audienceOfServerUrl, signLogin } from '@coming/identity';
import type { wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { firstKeysOf } from './device-keys';
import { setTimeout as sleep } from 'node:timers/promises';

const LOGIN_ATTEMPTS = 5;
const RETRY_DELAY_MS = 500;

/** One logged-in device of a generated account: what the generator needs to open its socket. */
export interface LoadDevice {
  accountId: string;
  deviceId: number;
  accessToken: string;
  /** What the device publishes once connected, so that it counts as a recipient. */
  keys: wire.UploadKeysRequest;
}

/** A fresh account key from a random seed, derived the way a mnemonic's seed is. */
export function generateAccountKey(): AccountKey {
  return accountKeyFromSeed(randomBytes(64));
}

/**
 * Logs a device of the account in through the gateway's HTTP login, as the client SDK
 * does (challenge, BIP-340 signature over the login digest, login), but keeps no store.
 * Device 0 asks for a new device.
 */
export async function loginDevice(serverUrl: string, key: AccountKey, deviceId = 0): Promise<LoadDevice> {
  // A client signs the host it means to reach, as the SDK does.
  const audience = audienceOfServerUrl(serverUrl);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loginOnce(serverUrl, key, audience, deviceId);
    } catch (error) {
      // A busy or restarting server (HTTP 503, 429, no answer): a client tries again, with a fresh challenge.
      const retryable = error instanceof ClientError && error.code === ClientErrorCode.ServerUnreachable;
      if (!retryable || attempt === LOGIN_ATTEMPTS) throw error;
      await sleep(RETRY_DELAY_MS * attempt);
    }
  }
}

async function loginOnce(serverUrl: string, key: AccountKey, audience: string, deviceId: number): Promise<LoadDevice> {
  const api = new LoginApi(serverUrl);
  const { challenge } = await api.challenge();
  const claim = { challenge, accountId: key.accountId, deviceId, audience };
  const response = await api.login({
    accountId: key.accountId,
    deviceId,
    challenge,
    signature: signLogin(claim, key.privateKey),
    audience,
  });
  if (response.tokens === undefined) throw new Error(`login of ${key.accountId} returned no tokens`);
  return { accountId: key.accountId, deviceId: response.deviceId, accessToken: response.tokens.accessToken, keys: firstKeysOf(key) };
}
