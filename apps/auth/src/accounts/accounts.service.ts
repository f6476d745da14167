import type { auth } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';

@Injectable()
export class AccountsService {
  constructor(private readonly accounts: AccountsRepository) {}

  async getDevices(accountId: string): Promise<auth.GetDevicesResponse> {
    const deviceIds = await this.accounts.listDevices(accountId);
    return deviceIds === null ? { accountNotFound: {} } : { devices: { deviceIds } };
  }
}
