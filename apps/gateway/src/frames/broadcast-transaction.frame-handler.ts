import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class BroadcastTransactionFrameHandler implements FrameHandler<'broadcastTransaction'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'broadcastTransaction'>): Promise<FrameAnswer> {
    return { broadcastTransaction: await this.chain.broadcast(device, request) };
  }
}
