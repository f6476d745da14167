import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { XbtcRelayService } from '../payments/xbtc-relay.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class RelayXbtcTransferFrameHandler implements FrameHandler<'relayXbtcTransfer'> {
  constructor(private readonly xbtc: XbtcRelayService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'relayXbtcTransfer'>): Promise<FrameAnswer> {
    return { relayXbtcTransfer: await this.xbtc.relay(device, request) };
  }
}
