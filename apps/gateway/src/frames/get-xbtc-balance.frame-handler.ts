import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { XbtcRelayService } from '../payments/xbtc-relay.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetXbtcBalanceFrameHandler implements FrameHandler<'getXbtcBalance'> {
  constructor(private readonly xbtc: XbtcRelayService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'getXbtcBalance'>): Promise<FrameAnswer> {
    return { getXbtcBalance: await this.xbtc.balance(device, request) };
  }
}
