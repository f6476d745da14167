import { Injectable } from '@nestjs/common';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler } from './frame-handler';

@Injectable()
export class GetChainInfoFrameHandler implements FrameHandler<'getChainInfo'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle(): Promise<FrameAnswer> {
    return { getChainInfo: await this.chain.chainInfo() };
  }
}
