import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { KeysRepository } from '../keys/keys.repository';
import { FrameError, FrameErrorCode } from './frame.errors';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetPreKeyBundlesFrameHandler implements FrameHandler<'getPreKeyBundles'> {
  constructor(private readonly keys: KeysRepository) {}

  async handle({ device }: ClientConnection, { accountId }: FrameRequest<'getPreKeyBundles'>): Promise<FrameAnswer> {
    const { bundles } = await this.keys.bundles({ requesterAccountId: device.accountId, accountId });
    if (bundles === undefined) throw new FrameError(FrameErrorCode.UnknownAccount, `account ${accountId} has published no keys`);
    return { getPreKeyBundles: bundles };
  }
}
