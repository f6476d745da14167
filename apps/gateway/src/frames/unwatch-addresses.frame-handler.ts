import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class UnwatchAddressesFrameHandler implements FrameHandler<'unwatchAddresses'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'unwatchAddresses'>): Promise<FrameAnswer> {
    return { unwatchAddresses: await this.chain.unwatch(device, request) };
  }
}
