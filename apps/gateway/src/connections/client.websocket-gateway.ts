import type { AccessClaims } from '@coming/access-token';
import { assertUnreachable } from '@coming/errors';
import { GrpcCallError, GrpcStatus } from '@coming/grpc';
import { InjectLogger, type Logger } from '@coming/logging';
import { MAX_ACKS_PER_FRAME, SERVER_GUID_BYTES, wire } from '@coming/proto';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import type { DeviceSession, DeviceSocket } from '../delivery/device-session';
import { DeviceSessionsService } from '../delivery/device-sessions.service';
import { KeysRepository } from '../keys/keys.repository';
import { AuthRepository } from '../login/auth.repository';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { GatewayMetrics } from '../gateway.metrics';
import { SendMessageError, SendMessageErrorCode } from '../messages/messages.errors';
import { SendMessageService } from '../messages/send-message.service';
import { decodeClientFrame, encodeServerFrame, errorFrame, frameTypeOf, wireError } from './frame-codec';
import { UpgradeAuthenticator } from './upgrade-authenticator';

const SHUTDOWN_GRACE_MS = 10_000;

const tracer = trace.getTracer('@coming/gateway');

interface Connection {
  device: AccessClaims;
  session: Promise<DeviceSession | undefined>;
  /** False for a send-only connection. */
  receiving: boolean;
  alive: boolean;
}

/** The client endpoint: translates WebSocket frames to and from the services behind it. */
@WebSocketGateway({ path: '/v1/websocket' })
export class ClientWebSocketGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly connections = new Map<WebSocket, Connection>();
  private keepalive: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private stopping = false;

  constructor(
    private readonly authenticator: UpgradeAuthenticator,
    private readonly sessions: DeviceSessionsService,
    private readonly sendMessage: SendMessageService,
    private readonly keys: KeysRepository,
    private readonly auth: AuthRepository,
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
    this.metrics.openConnections.add(1);
    // A send-only connection (?receive=false) gets no deliveries and displaces nobody, so a
    // device can send from a second process while its receiving connection stays up.
    const receiving = new URL(request.url ?? '/', 'ws://gateway').searchParams.get('receive') !== 'false';
    const session = receiving
      ? this.sessions.open(device, this.socketOf(socket)).catch((error: unknown) => {
          this.logger.error({ err: error }, 'could not start device session');
          socket.close(wire.CloseCode.CLOSE_CODE_INTERNAL_ERROR, 'could not start the session; reconnect');
          return undefined;
        })
      : Promise.resolve(undefined);
    const connection: Connection = { device, session, alive: true, receiving };
    this.connections.set(socket, connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.on('message', (data, isBinary) => void this.onFrame(socket, connection, data, isBinary));
  }

  async handleDisconnect(socket: WebSocket) {
    const connection = this.connections.get(socket);
    this.connections.delete(socket);
    if (connection !== undefined) this.metrics.openConnections.add(-1);
    const session = await connection?.session;
    if (session !== undefined) this.sessions.closed(session);
  }

  /** Graceful stop: refuse new sends, let in-flight ones finish, then send clients elsewhere. */
  async beforeApplicationShutdown() {
    this.stopping = true;
    clearInterval(this.keepalive);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(20);
    this.sessions.closeAll('server restarting; reconnect');
  }

  private async onFrame(socket: WebSocket, connection: Connection, data: RawData, isBinary: boolean) {
    const decoded = decodeClientFrame(data, isBinary, this.config.GATEWAY_MAX_FRAME_BYTES);
    if (!decoded.ok) {
      this.metrics.framesReceived.add(1, { type: 'undecodable' });
      this.send(socket, errorFrame(0, decoded.error));
      return;
    }
    const { frame } = decoded;
    const type = frameTypeOf(frame);
    this.metrics.framesReceived.add(1, { type });
    this.inFlight += 1;
    // The root of the trace that follows this frame through NATS, gRPC and PostgreSQL.
    await tracer.startActiveSpan(`frame ${type}`, { kind: SpanKind.SERVER, attributes: { 'coming.frame.type': type } }, async (span) => {
      try {
        this.send(socket, { response: { requestId: frame.requestId, ...(await this.handle(connection, frame)) } });
      } catch (error) {
        const failure = this.toWireError(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: wire.ErrorCode[failure.code] });
        this.send(socket, errorFrame(frame.requestId, failure));
      } finally {
        this.inFlight -= 1;
        span.end();
      }
    });
  }

  private async handle(connection: Connection, frame: wire.ClientFrame): Promise<Omit<wire.Response, 'requestId'>> {
    if (frame.sendMessage !== undefined) {
      if (this.stopping) throw new SendMessageError(SendMessageErrorCode.Unavailable, 'gateway is restarting; resend elsewhere');
      return { sendMessage: await this.sendMessage.send(connection.device, frame.sendMessage) };
    }
    if (frame.acknowledge !== undefined) {
      const { serverGuids } = frame.acknowledge;
      if (
        serverGuids.length === 0 ||
        serverGuids.length > MAX_ACKS_PER_FRAME ||
        serverGuids.some((guid) => guid.length !== SERVER_GUID_BYTES)
      ) {
        throw new SendMessageError(
          SendMessageErrorCode.InvalidArgument,
          `acknowledge.server_guids must hold 1 to ${MAX_ACKS_PER_FRAME} GUIDs of ${SERVER_GUID_BYTES} bytes`,
        );
      }
      if (!connection.receiving) {
        throw new SendMessageError(
          SendMessageErrorCode.InvalidArgument,
          'this connection was opened with receive=false and has nothing to acknowledge',
        );
      }
      const session = await connection.session;
      await session?.acknowledge(serverGuids);
      return { acknowledge: {} };
    }
    if (frame.ping !== undefined) return { ping: { serverTimeMs: Date.now() } };
    const { accountId, deviceId } = connection.device;
    if (frame.uploadKeys !== undefined) {
      const { count } = await this.keys.upload({ ...frame.uploadKeys, accountId, deviceId });
      // Once its keys are out the device can be messaged, so it joins its account's recipients.
      // The keys are stored either way; a failed mark is retried by the device's next upload.
      await this.auth
        .markDeviceReady(accountId, deviceId)
        .catch((error: unknown) => this.logger.warn({ err: error, accountId, deviceId }, 'device not marked ready'));
      return { uploadKeys: count };
    }
    if (frame.getPreKeyCount !== undefined) return { getPreKeyCount: (await this.keys.count({ accountId, deviceId })).count };
    if (frame.getPreKeyBundles !== undefined) {
      const target = frame.getPreKeyBundles.accountId;
      const { bundles } = await this.keys.bundles({ requesterAccountId: accountId, accountId: target });
      if (bundles === undefined)
        return { error: wireError(wire.ErrorCode.ERROR_CODE_UNKNOWN_ACCOUNT, `account ${target} has published no keys`) };
      return { getPreKeyBundles: bundles };
    }
    return {
      error: wireError(
        wire.ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE,
        'the frame carries no request this server knows; check the protocol version',
      ),
    };
  }

  private toWireError(error: unknown): wire.Error {
    if (error instanceof SendMessageError) return wireError(errorCodeOf(error.code), error.message, error.details);
    if (error instanceof GrpcCallError) return grpcToWireError(error);
    this.logger.error({ err: error }, 'unhandled error serving a frame');
    return wireError(wire.ErrorCode.ERROR_CODE_INTERNAL, 'internal error; retry');
  }

  private send(socket: WebSocket, frame: wire.ServerFrame) {
    if (socket.readyState !== socket.OPEN) return;
    this.metrics.framesSent.add(1, { type: frameTypeOf(frame) });
    socket.send(encodeServerFrame(frame));
  }

  private socketOf(socket: WebSocket): DeviceSocket {
    return {
      send: (frame) => this.send(socket, frame),
      close: (code, reason) => socket.close(code, reason),
    };
  }

  private checkAlive() {
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

function errorCodeOf(code: SendMessageErrorCode): wire.ErrorCode {
  switch (code) {
    case SendMessageErrorCode.InvalidArgument:
      return wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    case SendMessageErrorCode.RateLimited:
      return wire.ErrorCode.ERROR_CODE_RATE_LIMITED;
    case SendMessageErrorCode.UnknownAccount:
      return wire.ErrorCode.ERROR_CODE_UNKNOWN_ACCOUNT;
    case SendMessageErrorCode.DeviceMismatch:
      return wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH;
    case SendMessageErrorCode.MailboxFull:
      return wire.ErrorCode.ERROR_CODE_MAILBOX_FULL;
    case SendMessageErrorCode.Unavailable:
      return wire.ErrorCode.ERROR_CODE_UNAVAILABLE;
    default:
      return assertUnreachable(code);
  }
}

/** Backends name what was wrong in their status messages; those pass through to the client. */
function grpcToWireError(error: GrpcCallError): wire.Error {
  switch (error.code) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.FAILED_PRECONDITION:
      return wireError(wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT, error.message);
    case GrpcStatus.PERMISSION_DENIED:
      return wireError(wire.ErrorCode.ERROR_CODE_BAD_SIGNATURE, error.message);
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return wireError(wire.ErrorCode.ERROR_CODE_RATE_LIMITED, error.message);
    default:
      return wireError(wire.ErrorCode.ERROR_CODE_UNAVAILABLE, `a backend is unavailable (${error.message}); retry`);
  }
}
