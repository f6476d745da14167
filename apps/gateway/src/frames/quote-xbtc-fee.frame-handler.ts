import { Injectable } from '@nestjs/common';
import { XbtcRelayService } from '../payments/xbtc-relay.service';
import type { FrameAnswer, FrameHandler } from './frame-handler';

@Injectable()
export class QuoteXbtcFeeFrameHandler implements FrameHandler<'quoteXbtcFee'> {
  constructor(private readonly xbtc: XbtcRelayService) {}

  async handle(): Promise<FrameAnswer> {
    return { quoteXbtcFee: await this.xbtc.quoteFee() };
  }
}
