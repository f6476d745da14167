import { Injectable } from '@nestjs/common';
import { Clock } from '@coming/runtime';
import type { FrameAnswer, FrameHandler } from './frame-handler';

@Injectable()
export class PingFrameHandler implements FrameHandler<'ping'> {
  constructor(private readonly clock: Clock) {}

  handle(): Promise<FrameAnswer> {
    return Promise.resolve({ ping: { serverTimeMs: this.clock.now().getTime() } });
  }
}
