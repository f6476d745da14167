import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { KeyDirectoryService } from '../keys/key-directory.service';
import type { FrameAnswer, FrameHandler } from './frame-handler';

@Injectable()
export class GetPreKeyCountFrameHandler implements FrameHandler<'getPreKeyCount'> {
  constructor(private readonly keys: KeyDirectoryService) {}

  async handle({ device }: ClientConnection): Promise<FrameAnswer> {
    return { getPreKeyCount: await this.keys.count(device) };
  }
}
