import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { ServerOptions, WebSocketServer } from 'ws';

export type PathOptions = Pick<ServerOptions, 'verifyClient' | 'maxPayload'>;

/**
 * Nest's ws adapter with two additions per WebSocket path: its own check at upgrade (an
 * access token for devices, a rate limit for new devices' provisioning), and a hard
 * payload cap. Frames are protobuf and handled by the gateways themselves, so Nest's JSON
 * routing is switched off. A path without options is refused outright.
 */
export class ClientWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly optionsByPath: Readonly<Record<string, PathOptions>>,
  ) {
    super(app, { messageParser: () => undefined });
  }

  override create(port: number, options: Record<string, unknown> & { path?: string }): WebSocketServer {
    const own = options.path === undefined ? undefined : this.optionsByPath[options.path];
    if (own === undefined) throw new Error(`no upgrade check configured for WebSocket path ${options.path ?? '(none)'}`);
    return super.create(port, { ...options, ...own }) as WebSocketServer;
  }
}
