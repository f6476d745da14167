import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { KeysRepository } from '../keys/keys.repository';
import type { FrameAnswer, FrameHandler } from './frame-handler';

@Injectable()
export class GetPreKeyCountFrameHandler implements FrameHandler<'getPreKeyCount'> {
  constructor(private readonly keys: KeysRepository) {}

  async handle({ device }: ClientConnection): Promise<FrameAnswer> {
    const { count } = await this.keys.count({ accountId: device.accountId, deviceId: device.deviceId });
    return { getPreKeyCount: count };
  }
}
