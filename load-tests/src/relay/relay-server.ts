import { auth, messaging, wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

const TOKEN_LIFETIME_MS = 3_600_000;

interface Waiting {
  /** Resolves the copy: true when the recipient acknowledged it live, false when queued instead. */
  settle: (delivered: boolean) => void;
  envelope: messaging.Envelope;
}

/**
 * The baseline Coming is measured against: the least a relay can do with the same frames.
 * It forwards by ID ("account:device", taken from the bearer token as is: no auth), answers
 * the sender once the recipient acknowledged, and queues in memory for an offline device
 * (no persistence, no limits). Its login endpoints answer without checking anything, so the
 * generator's login path is the same against both.
 */
export class RelayServer {
  private readonly http: Server;
  private readonly sockets = new Map<string, WebSocket>();
  private readonly queues = new Map<string, messaging.Envelope[]>();
  private readonly waiting = new Map<string, Waiting>();
  /** Server GUIDs pushed on each socket and not yet acknowledged. */
  private readonly unacknowledged = new Map<WebSocket, Set<string>>();
  private readonly devicesOf = new Map<string, number>();

  constructor() {
    this.http = createServer((request, response) => this.handleHttp(request, response));
    const sockets = new WebSocketServer({ server: this.http, path: '/v1/websocket', perMessageDeflate: false });
    sockets.on('connection', (socket, request) => this.connected(socket, request));
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve) => this.http.listen(port, host, resolve));
  }

  private handleHttp(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url === '/readyz') return reply(200, { status: 'ok' });
      if (request.url === '/v1/auth/challenge') {
        return reply(200, auth.Challenge.toJSON({ challenge: randomBytes(32), expiresAtMs: Date.now() + 60_000 }));
      }
      if (request.url === '/v1/auth/login') {
        const { accountId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { accountId: string };
        // Every login is a new device, as with device ID 0 at Coming.
        const deviceId = (this.devicesOf.get(accountId) ?? 0) + 1;
        this.devicesOf.set(accountId, deviceId);
        const expiresAtMs = Date.now() + TOKEN_LIFETIME_MS;
        const tokens = {
          accessToken: `${accountId}:${deviceId}`,
          accessTokenExpiresAtMs: expiresAtMs,
          refreshToken: '',
          refreshTokenExpiresAtMs: expiresAtMs,
        };
        return reply(200, auth.LoggedIn.toJSON({ tokens, deviceId, accountCreated: deviceId === 1 }));
      }
      reply(404, { error: { message: `no route ${request.url ?? ''}` } });
    });
  }

  private connected(socket: WebSocket, request: IncomingMessage) {
    const id = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    this.sockets.get(id)?.close(4409);
    this.sockets.set(id, socket);
    this.unacknowledged.set(socket, new Set());
    socket.on('message', (data: Buffer) => this.frame(socket, wire.ClientFrame.decode(data)));
    socket.on('close', () => this.disconnected(socket, id));
    const queued = this.queues.get(id) ?? [];
    this.queues.delete(id);
    for (const envelope of queued) this.push(socket, id, envelope);
    socket.send(wire.ServerFrame.encode({ queueEmpty: {} }).finish());
  }

  private frame(socket: WebSocket, frame: wire.ClientFrame) {
    const respond = (response: Omit<wire.Response, 'requestId'>) =>
      socket.send(wire.ServerFrame.encode({ response: { requestId: frame.requestId, ...response } }).finish());
    if (frame.sendMessage !== undefined) {
      const request = frame.sendMessage;
      const copies = request.messages.map((message) =>
        this.forward({
          serverGuid: request.clientMessageId,
          sourceAccount: '',
          sourceDevice: 0,
          destinationAccount: request.destinationAccount,
          destinationDevice: message.destinationDevice,
          clientMessageId: request.clientMessageId,
          clientTimestampMs: request.clientTimestampMs,
          serverTimestampMs: Date.now(),
          contentType: message.contentType,
          content: message.content,
        }).then((delivered) => ({
          destinationDevice: message.destinationDevice,
          outcome: delivered ? wire.DeliveryOutcome.DELIVERY_OUTCOME_DELIVERED : wire.DeliveryOutcome.DELIVERY_OUTCOME_STORED,
          refusalReason: wire.RefusalReason.REFUSAL_REASON_UNSPECIFIED,
        })),
      );
      void Promise.all(copies).then((outcomes) => respond({ sendMessage: { outcomes } }));
    } else if (frame.acknowledge !== undefined) {
      for (const guid of frame.acknowledge.serverGuids) {
        const key = Buffer.from(guid).toString('hex');
        this.waiting.get(key)?.settle(true);
        this.waiting.delete(key);
        this.unacknowledged.get(socket)?.delete(key);
      }
      respond({ acknowledge: {} });
    } else if (frame.uploadKeys !== undefined) {
      // Nothing to publish keys to; taken, so that the generator drives both targets alike.
      respond({ uploadKeys: { ecPreKeys: 0, kyberPreKeys: 0 } });
    } else {
      respond({
        error: {
          code: wire.ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE,
          message: 'the relay only sends and acknowledges',
          missingDevices: [],
          extraDevices: [],
          retryAfterMs: 0,
        },
      });
    }
  }

  /** Pushes the envelope to its device if connected, else queues it; true once acknowledged live. */
  private forward(envelope: messaging.Envelope): Promise<boolean> {
    const id = `${envelope.destinationAccount}:${envelope.destinationDevice}`;
    const socket = this.sockets.get(id);
    if (socket === undefined) {
      this.enqueue(id, envelope);
      return Promise.resolve(false);
    }
    return new Promise((settle) => {
      this.waiting.set(Buffer.from(envelope.serverGuid).toString('hex'), { settle, envelope });
      this.push(socket, id, envelope);
    });
  }

  private push(socket: WebSocket, id: string, envelope: messaging.Envelope) {
    const key = Buffer.from(envelope.serverGuid).toString('hex');
    if (!this.waiting.has(key)) this.waiting.set(key, { settle: () => undefined, envelope });
    this.unacknowledged.get(socket)?.add(key);
    socket.send(wire.ServerFrame.encode({ deliver: { envelope } }).finish());
  }

  /** What the device left unacknowledged goes back to its queue; the senders are told "stored". */
  private disconnected(socket: WebSocket, id: string) {
    if (this.sockets.get(id) === socket) this.sockets.delete(id);
    for (const key of this.unacknowledged.get(socket) ?? []) {
      const waiting = this.waiting.get(key);
      if (waiting === undefined) continue;
      this.waiting.delete(key);
      this.enqueue(id, waiting.envelope);
      waiting.settle(false);
    }
    this.unacknowledged.delete(socket);
  }

  private enqueue(id: string, envelope: messaging.Envelope) {
    const queue = this.queues.get(id) ?? [];
    queue.push(envelope);
    this.queues.set(id, queue);
  }
}
