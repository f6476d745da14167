import { signLinkedLogin } from '@coming/identity';
import type { auth } from '@coming/proto';
import type { LoginApi } from '../transport/login-api';
import type { LinkedDeviceIdentity } from './link-request';

/**
 * Logs a linked device in: its device key signs the challenge, and its certificate shows
 * the account key vouched for that key. `deviceId` 0 registers it (and a retry of a lost
 * answer gets the same device back); afterwards use the ID the server assigned.
 */
export async function loginLinkedDevice(
  api: LoginApi,
  identity: Pick<LinkedDeviceIdentity, 'accountId' | 'certificate' | 'deviceKey'>,
  deviceId: number,
  audience: string,
): Promise<auth.LoggedIn> {
  const { accountId, certificate, deviceKey } = identity;
  const { challenge } = await api.challenge();
  const signature = signLinkedLogin({ challenge, accountId, deviceId, audience }, deviceKey.privateKey);
  return api.login({ accountId, deviceId, challenge, signature, audience, deviceCertificate: certificate });
}
