import { createGrpcClient, type DeadlineClient, grpcServices, withDeadline } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic, signLogin } from '@coming/identity';
import type { auth } from '@coming/proto';
import type { InProcessServices } from './in-process-services';

export interface DeviceLogin {
  accountId: string;
  deviceId: number;
  accessToken: string;
}

/**
 * Accounts and devices made through auth's gRPC API, as the gateway's login route makes
 * them, without the SDK's key generation: for tests that need devices, not keys.
 */
export class AuthLogins {
  private readonly auth: DeadlineClient<auth.AuthServiceClient>;

  constructor(services: InProcessServices) {
    this.auth = withDeadline(
      createGrpcClient(grpcServices.auth, { url: services.targets.auth, serviceToken: services.infrastructure.serviceToken }),
      5_000,
    );
  }

  /** Logs a device of the account in; device 0 registers a new one. */
  async login(mnemonic: string, deviceId = 0): Promise<DeviceLogin> {
    const key = accountKeyFromMnemonic(mnemonic);
    const issued = await this.auth.createChallenge({ clientIp: '127.0.0.1' });
    const challenge = issued.challenge?.challenge ?? new Uint8Array();
    // The in-process auth answers to its default audiences, the loopback host names.
    const audience = '127.0.0.1';
    const signature = signLogin({ challenge, accountId: key.accountId, deviceId, audience }, key.privateKey);
    const response = await this.auth.login({
      accountId: key.accountId,
      deviceId,
      challenge,
      signature,
      clientIp: '127.0.0.1',
      audience,
      deviceCertificate: undefined,
    });
    if (response.loggedIn === undefined) throw new Error(`login refused: ${JSON.stringify(response)}`);
    // These devices publish no keys (nothing here encrypts), so they are made recipients as
    // the gateway does after a device's first key upload.
    await this.auth.markDeviceReady({ accountId: key.accountId, deviceId: response.loggedIn.deviceId });
    return { accountId: key.accountId, deviceId: response.loggedIn.deviceId, accessToken: response.loggedIn.tokens?.accessToken ?? '' };
  }

  /** A new account with `devices` devices (1, 2, …): its ID, mnemonic and each device's access token. */
  async account(devices: number): Promise<{ accountId: string; mnemonic: string; tokens: string[] }> {
    const mnemonic = createMnemonic();
    const tokens: string[] = [];
    for (let index = 0; index < devices; index += 1) tokens.push((await this.login(mnemonic)).accessToken);
    return { accountId: accountKeyFromMnemonic(mnemonic).accountId, mnemonic, tokens };
  }
}
