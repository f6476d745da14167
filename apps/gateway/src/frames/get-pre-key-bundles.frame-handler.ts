import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { KeyDirectoryService } from '../keys/key-directory.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetPreKeyBundlesFrameHandler implements FrameHandler<'getPreKeyBundles'> {
  constructor(private readonly keys: KeyDirectoryService) {}

  async handle({ device, clientIp }: ClientConnection, { accountId }: FrameRequest<'getPreKeyBundles'>): Promise<FrameAnswer> {
    return { getPreKeyBundles: await this.keys.bundles(device, clientIp, accountId) };
  }
}
