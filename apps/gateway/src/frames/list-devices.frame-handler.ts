import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { AuthRepository } from '../login/auth.repository';
import type { FrameAnswer, FrameHandler } from './frame-handler';

/** The asking device's own account only: the account comes from its token. */
@Injectable()
export class ListDevicesFrameHandler implements FrameHandler<'listDevices'> {
  constructor(private readonly auth: AuthRepository) {}

  async handle({ device }: ClientConnection): Promise<FrameAnswer> {
    const { devices, recentlyRemoved } = await this.auth.listDevices(device.accountId);
    return { listDevices: { devices, recentlyRemoved } };
  }
}
