import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { XbtcRelayService } from '../payments/xbtc-relay.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetXbtcTransfersFrameHandler implements FrameHandler<'getXbtcTransfers'> {
  constructor(private readonly xbtc: XbtcRelayService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'getXbtcTransfers'>): Promise<FrameAnswer> {
    return { getXbtcTransfers: await this.xbtc.transfers(device, request) };
  }
}
