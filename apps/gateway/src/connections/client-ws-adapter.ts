import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { ServerOptions, WebSocketServer } from 'ws';

/**
 * Nest's ws adapter with two additions: token checks at upgrade, and a hard payload
 * cap. Frames are protobuf and handled by the gateway itself, so Nest's JSON routing
 * is switched off.
 */
export class ClientWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly serverOptions: Pick<ServerOptions, 'verifyClient' | 'maxPayload'>,
  ) {
    super(app, { messageParser: () => undefined });
  }

  override create(port: number, options: Record<string, unknown> & { path?: string }): WebSocketServer {
    return super.create(port, { ...options, ...this.serverOptions }) as WebSocketServer;
  }
}
