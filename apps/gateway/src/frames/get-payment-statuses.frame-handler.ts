import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetPaymentStatusesFrameHandler implements FrameHandler<'getPaymentStatuses'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'getPaymentStatuses'>): Promise<FrameAnswer> {
    return { getPaymentStatuses: await this.chain.statuses(device, request) };
  }
}
