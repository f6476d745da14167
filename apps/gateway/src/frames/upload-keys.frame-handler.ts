import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { KeysRepository } from '../keys/keys.repository';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class UploadKeysFrameHandler implements FrameHandler<'uploadKeys'> {
  constructor(private readonly keys: KeysRepository) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'uploadKeys'>): Promise<FrameAnswer> {
    const { count } = await this.keys.upload({ ...request, accountId: device.accountId, deviceId: device.deviceId });
    return { uploadKeys: count };
  }
}
