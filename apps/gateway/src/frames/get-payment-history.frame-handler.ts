import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetPaymentHistoryFrameHandler implements FrameHandler<'getPaymentHistory'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'getPaymentHistory'>): Promise<FrameAnswer> {
    return { getPaymentHistory: await this.chain.history(device, request) };
  }
}
