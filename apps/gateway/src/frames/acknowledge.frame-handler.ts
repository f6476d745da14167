import { MAX_ACKS_PER_FRAME, SERVER_GUID_BYTES } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import { FrameError, FrameErrorCode } from './frame.errors';
import type { FrameAnswer, FrameHandler, FrameRequest } from './frame-handler';

/** The device has stored pushed envelopes: its session deletes the server's copies. */
@Injectable()
export class AcknowledgeFrameHandler implements FrameHandler<'acknowledge'> {
  async handle(connection: ClientConnection, { serverGuids }: FrameRequest<'acknowledge'>): Promise<FrameAnswer> {
    if (
      serverGuids.length === 0 ||
      serverGuids.length > MAX_ACKS_PER_FRAME ||
      serverGuids.some((guid) => guid.length !== SERVER_GUID_BYTES)
    ) {
      throw new FrameError(
        FrameErrorCode.InvalidArgument,
        `acknowledge.server_guids must hold 1 to ${MAX_ACKS_PER_FRAME} GUIDs of ${SERVER_GUID_BYTES} bytes`,
      );
    }
    if (!connection.receiving) {
      throw new FrameError(FrameErrorCode.InvalidArgument, 'this connection was opened with receive=false and has nothing to acknowledge');
    }
    const session = await connection.session;
    await session?.acknowledge(serverGuids);
    return { acknowledge: {} };
  }
}
