import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class WatchAddressesFrameHandler implements FrameHandler<'watchAddresses'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'watchAddresses'>): Promise<FrameAnswer> {
    return { watchAddresses: await this.chain.watch(device, request) };
  }
}
