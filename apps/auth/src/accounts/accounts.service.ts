import { type auth, MAX_DEVICES_PER_ACCOUNT } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { type AuthConfig, InjectAuthConfig } from '../auth.config';
import { TokensService } from '../tokens/tokens.service';
import { accountIdField, deviceIdField } from '../request-fields';
import { AccountEventsRepository } from './account-events.repository';
import { AccountsError, AccountsErrorCode } from './accounts.errors';
import { AccountsRepository, type DeviceRegistrationResult } from './accounts.repository';

@Injectable()
export class AccountsService {
  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly accounts: AccountsRepository,
    private readonly events: AccountEventsRepository,
    private readonly tokens: TokensService,
    private readonly clock: Clock,
  ) {}

  async getDevices(request: auth.GetDevicesRequest): Promise<auth.GetDevicesResponse> {
    const deviceIds = await this.accounts.listReadyDevices(accountIdField(request.accountId, invalid));
    return deviceIds === null ? { accountNotFound: {} } : { devices: { deviceIds } };
  }

  /** Makes a device a recipient once it has published its keys, and tells the gateways. */
  async markDeviceReady(request: auth.MarkDeviceReadyRequest): Promise<auth.MarkDeviceReadyResponse> {
    const accountId = accountIdField(request.accountId, invalid);
    const deviceId = deviceIdField(request.deviceId, { newAllowed: false }, invalid);
    if (!(await this.accounts.markReady(accountId, deviceId, this.clock.now()))) {
      throw new AccountsError(AccountsErrorCode.DeviceNotFound, `device ${deviceId} of account ${accountId} is not registered`);
    }
    // Announced on repeated calls too, so that a caller retrying after a lost event repairs it.
    const deviceIds = (await this.accounts.listReadyDevices(accountId)) ?? [];
    await this.events.publishDevicesChanged(accountId, deviceIds);
    return {};
  }

  /** Registers the device for a login that proved the account key, or a linked device's certified key. */
  async registerDevice(accountId: string, deviceId: number, devicePublicKey?: Uint8Array): Promise<DeviceRegistrationResult> {
    const now = this.clock.now();
    const unreadyBefore = new Date(now.getTime() - this.config.AUTH_UNREADY_DEVICE_TTL_MS);
    const result = await this.accounts.registerDevice(accountId, deviceId, devicePublicKey, {
      maxDevices: MAX_DEVICES_PER_ACCOUNT,
      unreadyBefore,
      now,
    });
    // A reclaimed device may still hold an access token and a socket; its gateway closes it.
    for (const reclaimed of 'reclaimed' in result ? result.reclaimed : []) {
      await this.tokens.revokeDevice(accountId, reclaimed, 'device never published its keys; its slot was reclaimed');
    }
    return result;
  }
}

function invalid(message: string): AccountsError {
  return new AccountsError(AccountsErrorCode.InvalidArgument, message);
}
