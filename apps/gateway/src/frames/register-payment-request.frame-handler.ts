import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class RegisterPaymentRequestFrameHandler implements FrameHandler<'registerPaymentRequest'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'registerPaymentRequest'>): Promise<FrameAnswer> {
    return { registerPaymentRequest: await this.chain.registerRequest(device, request) };
  }
}
