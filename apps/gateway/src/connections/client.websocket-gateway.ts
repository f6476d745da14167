import { InjectLogger, type Logger } from '@coming/logging';
import { wire } from '@coming/proto';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { type Attributes, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawData, WebSocket, WebSocketServer } from 'ws';

import { DeviceSessionsService } from '../delivery/device-sessions.service';
import { FrameError, FrameErrorCode } from '../frames/frame.errors';
import type { FrameKind } from '../frames/frame-handler';
import { FrameHandlerRegistry, frameTypeName } from '../frames/frame-handler.registry';
import { toWireError } from '../frames/wire-error.mapper';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { GatewayMetrics } from '../gateway.metrics';
import type { ClientConnection } from './client-connection';
import { clientIpOf } from './client-ip';
import { DeviceSocket } from './device-socket';
import { BadFrameBudget } from './bad-frame-budget';
import { decodeClientFrame, errorFrame } from './frame-codec';
import { UpgradeAuthenticator } from './upgrade-authenticator';

const SHUTDOWN_GRACE_MS = 10_000;

/** Where devices connect with their access token. */
export const DEVICE_PATH = '/v1/websocket';

const tracer = trace.getTracer('@coming/gateway');

/** Per frame kind, made once rather than per frame: metric attributes, span name and span attributes. */
interface FrameKindLabels {
  metric: Attributes;
  spanName: string;
  span: Attributes;
}

const RESPONSE_FRAME: Attributes = { type: 'response' };

/**
 * The client endpoint: decodes each frame, hands it to its kind's handler, and encodes the
 * answer; every frame is the root span of its trace. It serves at most
 * GATEWAY_MAX_IN_FLIGHT_PER_CONNECTION frames of one socket at a time: past that it pauses
 * the socket and holds what was already buffered, so one flooding client waits on its own
 * TCP window instead of taking the gateway's memory and the backends' capacity from
 * everyone else. Its frames are not refused, only read later.
 */
@WebSocketGateway({ path: DEVICE_PATH })
export class ClientWebSocketGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly connections = new Map<WebSocket, ClientConnection>();
  private readonly labels = new Map<FrameKind, FrameKindLabels>();
  private keepalive: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private stopping = false;

  constructor(
    private readonly authenticator: UpgradeAuthenticator,
    private readonly badFrames: BadFrameBudget,
    private readonly sessions: DeviceSessionsService,
    private readonly frames: FrameHandlerRegistry,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  afterInit(_server: WebSocketServer) {
    this.keepalive = setInterval(() => this.checkAlive(), this.config.GATEWAY_KEEPALIVE_INTERVAL_MS).unref();
  }

  handleConnection(socket: WebSocket, request: IncomingMessage) {
    const device = this.authenticator.claimsOf(request);
    if (device === undefined) {
      socket.close(wire.CloseCode.CLOSE_CODE_UNAUTHENTICATED, 'unauthenticated');
      return;
    }
    // A send-only connection (?receive=false) gets no deliveries and displaces nobody, so a
    // device can send from a second process while its receiving connection stays up.
    const receiving = new URL(request.url ?? '/', 'ws://gateway').searchParams.get('receive') !== 'false';
    const limits = {
      maxBufferedBytes: this.config.GATEWAY_MAX_BUFFERED_BYTES,
      slowReaderTimeoutMs: this.config.GATEWAY_SLOW_READER_TIMEOUT_MS,
    };
    const held = this.sessions.open(device, new DeviceSocket(socket, limits, this.metrics), receiving);
    if (held === undefined) return;
    this.metrics.openConnections.add(1);
    const clientIp = clientIpOf(request, this.config.GATEWAY_TRUSTED_PROXIES);
    const connection: ClientConnection = {
      device,
      session: held.session,
      held,
      alive: true,
      receiving,
      clientIp,
      inFlight: 0,
      waiting: [],
    };
    this.connections.set(socket, connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('message', (data, isBinary) => this.accept(socket, connection, data, isBinary));
  }

  handleDisconnect(socket: WebSocket) {
    const connection = this.connections.get(socket);
    this.connections.delete(socket);
    if (connection === undefined) return;
    this.metrics.openConnections.add(-1);
    // Frames still waiting were never answered: nobody is left to answer, and the client
    // resends them (same client_message_id) when it reconnects.
    connection.waiting.splice(0);
    this.sessions.closed(connection.held);
  }

  /** Graceful stop: refuse new sends, let in-flight ones finish, then send clients elsewhere. */
  async beforeApplicationShutdown() {
    this.stopping = true;
    clearInterval(this.keepalive);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(20);
    this.sessions.closeAll('server restarting; reconnect');
  }

  /** Serves a frame now, or once the connection has room, pausing the socket until then. */
  private accept(socket: WebSocket, connection: ClientConnection, data: RawData, isBinary: boolean) {
    if (connection.inFlight >= this.config.GATEWAY_MAX_IN_FLIGHT_PER_CONNECTION) {
      connection.waiting.push({ data, isBinary });
      socket.pause();
      return;
    }
    void this.serve(socket, connection, data, isBinary);
  }

  private async serve(socket: WebSocket, connection: ClientConnection, data: RawData, isBinary: boolean) {
    this.inFlight += 1;
    connection.inFlight += 1;
    try {
      await this.onFrame(socket, connection, data, isBinary);
    } finally {
      this.inFlight -= 1;
      connection.inFlight -= 1;
      const next = connection.waiting.shift();
      if (next !== undefined) void this.serve(socket, connection, next.data, next.isBinary);
      else socket.resume();
    }
  }

  private async onFrame(socket: WebSocket, connection: ClientConnection, data: RawData, isBinary: boolean) {
    const decoded = decodeClientFrame(data, isBinary, this.config.GATEWAY_MAX_FRAME_BYTES);
    if (!decoded.ok) {
      this.metrics.framesReceived.add(1, { type: 'undecodable' });
      this.refuseBadFrame(connection, errorFrame(0, decoded.error));
      return;
    }
    const { frame } = decoded;
    const kind = this.frames.kindOf(frame);
    if (kind === undefined) {
      this.metrics.framesReceived.add(1, { type: 'unknown' });
      const error = new FrameError(
        FrameErrorCode.UnknownFrameType,
        'the frame carries no request this server knows; check the protocol version',
      );
      this.refuseBadFrame(connection, errorFrame(frame.requestId, toWireError(error, this.logger)));
      return;
    }
    const labels = this.labelsOf(kind);
    this.metrics.framesReceived.add(1, labels.metric);
    // The root of the trace that follows this frame through NATS, gRPC and PostgreSQL.
    await tracer.startActiveSpan(labels.spanName, { kind: SpanKind.SERVER, attributes: labels.span }, async (span) => {
      try {
        if (this.stopping && kind === 'sendMessage') {
          throw new FrameError(FrameErrorCode.ShuttingDown, 'gateway is restarting; resend elsewhere with the same client_message_id');
        }
        const answer = await this.frames.handle(kind, connection, frame);
        this.respond(socket, { response: { requestId: frame.requestId, ...answer } });
      } catch (error) {
        const failure = toWireError(error, this.logger);
        if (span.isRecording()) span.setStatus({ code: SpanStatusCode.ERROR, message: wire.ErrorCode[failure.code] });
        this.respond(socket, errorFrame(frame.requestId, failure));
      } finally {
        span.end();
      }
    });
  }

  /** Answers a frame that is not a request with its error, and closes a device's connection once it keeps sending them. */
  private refuseBadFrame(connection: ClientConnection, answer: wire.ServerFrame) {
    connection.held.socket.send(answer, RESPONSE_FRAME);
    if (this.badFrames.spend(connection.device)) {
      connection.held.socket.close(
        wire.CloseCode.CLOSE_CODE_PROTOCOL_ERROR,
        'too many malformed, unknown or oversized frames; try again in a minute',
      );
    }
  }

  private labelsOf(kind: FrameKind): FrameKindLabels {
    let labels = this.labels.get(kind);
    if (labels === undefined) {
      const type = frameTypeName(kind);
      labels = { metric: { type }, spanName: `frame ${type}`, span: { 'coming.frame.type': type } };
      this.labels.set(kind, labels);
    }
    return labels;
  }

  private respond(socket: WebSocket, frame: wire.ServerFrame) {
    this.send(socket, frame, RESPONSE_FRAME);
  }

  private send(socket: WebSocket, frame: wire.ServerFrame, attributes?: Attributes) {
    this.connections.get(socket)?.held.socket.send(frame, attributes);
  }

  private checkAlive() {
    this.badFrames.prune();
    for (const [socket, connection] of this.connections) {
      if (!connection.alive) {
        socket.terminate();
        continue;
      }
      connection.alive = false;
      socket.ping();
    }
  }
}
