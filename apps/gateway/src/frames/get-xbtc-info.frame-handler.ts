import { Injectable } from '@nestjs/common';
import { XbtcRelayService } from '../payments/xbtc-relay.service';
import type { FrameAnswer, FrameHandler } from './frame-handler';

@Injectable()
export class GetXbtcInfoFrameHandler implements FrameHandler<'getXbtcInfo'> {
  constructor(private readonly xbtc: XbtcRelayService) {}

  async handle(): Promise<FrameAnswer> {
    return { getXbtcInfo: await this.xbtc.info() };
  }
}
