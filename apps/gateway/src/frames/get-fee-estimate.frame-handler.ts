import { Injectable } from '@nestjs/common';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetFeeEstimateFrameHandler implements FrameHandler<'getFeeEstimate'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle(_connection: unknown, request: FrameRequest<'getFeeEstimate'>): Promise<FrameAnswer> {
    return { getFeeEstimate: await this.chain.feeEstimate(request) };
  }
}
