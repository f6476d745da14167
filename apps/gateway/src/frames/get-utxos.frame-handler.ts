import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { ChainWatchService } from '../payments/chain-watch.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class GetUtxosFrameHandler implements FrameHandler<'getUtxos'> {
  constructor(private readonly chain: ChainWatchService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'getUtxos'>): Promise<FrameAnswer> {
    return { getUtxos: await this.chain.utxos(device, request) };
  }
}
