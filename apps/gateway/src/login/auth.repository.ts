import type { auth } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { type AuthBackend, InjectAuthBackend } from '../backends/backend-clients';

/** The auth service, as the gateway reaches it over gRPC. */
@Injectable()
export class AuthRepository {
  constructor(@InjectAuthBackend() private readonly client: AuthBackend) {}

  createChallenge(request: auth.CreateChallengeRequest) {
    return this.client.createChallenge(request);
  }

  login(request: auth.LoginRequest) {
    return this.client.login(request);
  }

  refresh(request: auth.RefreshRequest) {
    return this.client.refresh(request);
  }

  listDevices(accountId: string) {
    return this.client.listDevices({ accountId });
  }

  removeDevice(request: auth.RemoveDeviceRequest) {
    return this.client.removeDevice(request);
  }

  async setDeviceName(accountId: string, deviceId: number, encryptedName: Uint8Array): Promise<void> {
    await this.client.setDeviceName({ accountId, deviceId, encryptedName });
  }

  /** Makes a device a recipient once its keys are published; idempotent. */
  async markDeviceReady(accountId: string, deviceId: number): Promise<void> {
    await this.client.markDeviceReady({ accountId, deviceId });
  }
}
