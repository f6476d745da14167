import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { KeyDirectoryService } from '../keys/key-directory.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class UploadKeysFrameHandler implements FrameHandler<'uploadKeys'> {
  constructor(private readonly keys: KeyDirectoryService) {}

  async handle({ device }: ClientConnection, request: FrameRequest<'uploadKeys'>): Promise<FrameAnswer> {
    return { uploadKeys: await this.keys.upload(device, request) };
  }
}
