import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { XbtcRelayService } from '../payments/xbtc-relay.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class WatchXbtcAddressesFrameHandler implements FrameHandler<'watchXbtcAddresses'> {
  constructor(private readonly xbtc: XbtcRelayService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'watchXbtcAddresses'>): Promise<FrameAnswer> {
    return { watchXbtcAddresses: await this.xbtc.watch(device, request) };
  }
}
