import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { SendMessageService } from '../messages/send-message.service';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

@Injectable()
export class SendMessageFrameHandler implements FrameHandler<'sendMessage'> {
  constructor(private readonly sendMessage: SendMessageService) {}

  async handle(connection: ClientConnection, request: FrameRequest<'sendMessage'>): Promise<FrameAnswer> {
    return { sendMessage: await this.sendMessage.send(connection.device, request) };
  }
}
