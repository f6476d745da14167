import { importSigningKey, generateSigningKey, publicKeyOf, signAccessToken } from '@coming/access-token';
import { authConfigSchema, startAuth } from '@coming/auth-service';
import { type Broker, NatsBroker, subjects } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic, signLogin } from '@coming/identity';
import { keysConfigSchema, startKeys } from '@coming/keys-service';
import { mailboxConfigSchema, startMailbox } from '@coming/mailbox-service';
import { type auth, events, type mailbox, messaging, wire } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, eventually, findFreePorts, type TestInfrastructure } from '@coming/testing';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { DeviceSessionsService } from '../src/delivery/device-sessions.service';
import { startGateway } from '../src/gateway.app';
import { gatewayConfigSchema } from '../src/gateway.config';

const DEADLINE_MS = 5_000;
// Small enough that a page of the largest envelopes fits one gRPC message.
const STORED_PAGE = 10;

export interface Device {
  accountId: string;
  deviceId: number;
}

// The host name the gateway is reached by here, one of auth's default audiences.
const AUDIENCE = '127.0.0.1';
/**
 * Auth, mailbox, keys and one gateway started inside the test process, on the test file's own
 * PostgreSQL database, Redis prefix and NATS subject prefix: real services, real sockets,
 * in seconds rather than the minute a multi-process stack takes.
 */
export class InProcessGateway {
  private mailboxService: StartedService | undefined;
  private readonly sockets: TestSocket[] = [];
  private readonly otherGateways: StartedService[] = [];

  private constructor(
    readonly infrastructure: TestInfrastructure,
    private readonly backends: StartedService[],
    private readonly gateway: StartedService,
    private readonly gatewayEnv: Record<string, string>,
    private readonly signingKey: string,
    private readonly mailboxUrl: string,
    readonly url: string,
    private readonly mailbox: mailbox.MailboxServiceClient,
    private readonly auth: auth.AuthServiceClient,
  ) {}

  /** `env` overrides gateway and auth settings; `natsUrl` puts every service on another NATS server. */
  static async start(label: string, options: { env?: Record<string, string>; natsUrl?: string } = {}): Promise<InProcessGateway> {
    const shared = await createTestInfrastructure(label);
    let infrastructure = shared;
    if (options.natsUrl !== undefined) {
      await shared.broker.close();
      const broker = await NatsBroker.connect({ url: options.natsUrl, subjectPrefix: shared.backends.natsSubjectPrefix, name: label });
      infrastructure = {
        ...shared,
        broker,
        release: async () => {
          await broker.close();
          await shared.release();
        },
      };
    }
    const base = await findFreePorts(4);
    const [authUrl, mailboxUrl, keysUrl] = [`127.0.0.1:${base}`, `127.0.0.1:${base + 1}`, `127.0.0.1:${base + 3}`];
    const signingKey = generateSigningKey();
    const backends = [
      await startAuth(
        loadConfig(authConfigSchema, { AUTH_GRPC_URL: authUrl, AUTH_SIGNING_KEY: signingKey, ...options.env }),
        infrastructure,
      ),
      await startKeys(loadConfig(keysConfigSchema, { KEYS_GRPC_URL: keysUrl }), infrastructure),
    ];
    const gatewayEnv = {
      GATEWAY_HOST: '127.0.0.1',
      AUTH_PUBLIC_KEY: publicKeyOf(signingKey),
      AUTH_GRPC_TARGET: authUrl,
      MAILBOX_GRPC_TARGET: mailboxUrl,
      KEYS_GRPC_TARGET: keysUrl,
      ...options.env,
    };
    const gateway = await startGateway(loadConfig(gatewayConfigSchema, { ...gatewayEnv, GATEWAY_PORT: String(base + 2) }), infrastructure);
    const mailbox = createGrpcClient<mailbox.MailboxServiceClient>(grpcServices.mailbox, {
      url: mailboxUrl,
      serviceToken: infrastructure.serviceToken,
    });
    const auth = createGrpcClient<auth.AuthServiceClient>(grpcServices.auth, { url: authUrl, serviceToken: infrastructure.serviceToken });
    const started = new InProcessGateway(
      infrastructure,
      backends,
      gateway,
      gatewayEnv,
      signingKey,
      mailboxUrl,
      `ws://127.0.0.1:${base + 2}`,
      mailbox,
      auth,
    );
    await started.startMailbox();
    return started;
  }

  /** Starts another gateway, configured as the first, on the same services and broker; resolves with its ws:// URL. */
  async startAnotherGateway(): Promise<string> {
    const port = await findFreePorts(1);
    this.otherGateways.push(
      await startGateway(loadConfig(gatewayConfigSchema, { ...this.gatewayEnv, GATEWAY_PORT: String(port) }), this.infrastructure),
    );
    return `ws://127.0.0.1:${port}`;
  }

  /** The gateway's registry of device connections, to read what it holds. */
  get sessions(): DeviceSessionsService {
    return this.gateway.app.get(DeviceSessionsService);
  }

  get broker(): Broker {
    return this.infrastructure.broker;
  }

  async startMailbox(): Promise<void> {
    this.mailboxService ??= await startMailbox(loadConfig(mailboxConfigSchema, { MAILBOX_GRPC_URL: this.mailboxUrl }), this.infrastructure);
  }

  async stopMailbox(): Promise<void> {
    await this.mailboxService?.close();
    this.mailboxService = undefined;
  }

  /** A new account's first device, registered with auth by a real login through the gateway. */
  async register(): Promise<Device> {
    const http = this.url.replace('ws://', 'http://');
    const key = accountKeyFromMnemonic(createMnemonic());
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${http}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const challenge = Buffer.from((await post('/v1/auth/challenge', {}))['challenge'] as string, 'base64');
    const signature = signLogin({ challenge, accountId: key.accountId, deviceId: 0, audience: AUDIENCE }, key.privateKey);
    const login = await post('/v1/auth/login', {
      accountId: key.accountId,
      deviceId: 0,
      challenge: challenge.toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
      audience: AUDIENCE,
    });
    const device = { accountId: key.accountId, deviceId: login['deviceId'] as number };
    // These devices publish no keys (nothing here encrypts), so they are made recipients as
    // the gateway does after a device's first key upload.
    await callGrpc(this.auth.markDeviceReady(device), 30_000);
    return device;
  }

  /** An access token for `device` signed with auth's key, valid for `ttlMs`. */
  token(device: Device, ttlMs = 600_000): Promise<string> {
    return signAccessToken(device, { key: importSigningKey(this.signingKey), audience: AUDIENCE, expiresAt: new Date(Date.now() + ttlMs) });
  }

  /** Opens a socket for the device; resolves once the upgrade succeeded. */
  async connect(device: Device, options: { receive?: boolean; token?: string } = {}): Promise<TestSocket> {
    const socket = await TestSocket.open(this.url, options.token ?? (await this.token(device)), options.receive ?? true);
    this.sockets.push(socket);
    return socket;
  }

  /** Commits an envelope for `device` straight into its mailbox, as a sender's gateway would. */
  async store(envelope: messaging.Envelope): Promise<void> {
    const answer = await callGrpc(this.mailbox.enqueue({ envelope }), DEADLINE_MS);
    if (answer.stored === undefined) throw new Error('the mailbox did not store the envelope');
  }

  /** Offers an envelope live, as a sender's gateway does; true when the device acknowledged it. */
  async offer(envelope: messaging.Envelope, timeoutMs = 10_000): Promise<boolean> {
    const reply = await this.broker.request(
      subjects.deliver(envelope.destinationAccount, envelope.destinationDevice),
      events.DeliveryRequest.encode({ envelope }).finish(),
      timeoutMs,
    );
    return events.DeliveryReply.decode(reply).acknowledged;
  }

  /** Envelopes still stored for the device. */
  async storedFor(device: Device): Promise<number> {
    let count = 0;
    for (let cursor = 0, more = true; more;) {
      const page = await callGrpc(
        this.mailbox.fetch({ accountId: device.accountId, deviceId: device.deviceId, afterSequence: cursor, limit: STORED_PAGE }),
        DEADLINE_MS,
      );
      count += page.envelopes.length;
      cursor = page.envelopes.at(-1)?.sequence ?? cursor;
      more = page.hasMore;
    }
    return count;
  }

  async release(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await Promise.all([this.gateway, ...this.otherGateways].map((gateway) => gateway.close()));
    await Promise.all([...this.backends.map((backend) => backend.close()), this.stopMailbox()]);
    await this.infrastructure.release();
  }
}

/** The HTTP status and body with which the gateway at `url` refuses a socket for `token`; rejects if it accepts one. */
export function refusedUpgrade(url: string, token: string): Promise<{ status: number; body: string }> {
  const socket = new WebSocket(`${url}/v1/websocket`, { headers: { Authorization: `Bearer ${token}` } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      reject(new Error(`${url} accepted the token`));
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once('error', reject);
  });
}

/** An envelope for `device`, as a sender's gateway builds it; `contentBytes` sets its size. */
export function envelopeFor(device: Device, contentBytes = 64): messaging.Envelope {
  return {
    serverGuid: randomBytes(16),
    sourceAccount: device.accountId,
    sourceDevice: 99,
    destinationAccount: device.accountId,
    destinationDevice: device.deviceId,
    clientMessageId: randomBytes(16),
    clientTimestampMs: Date.now(),
    serverTimestampMs: Date.now(),
    contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
    content: Buffer.concat([Buffer.from([0x44]), randomBytes(contentBytes - 1)]),
  };
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A raw client socket that records what the server pushes and acknowledges only when told. */
export class TestSocket {
  readonly delivered: messaging.Envelope[] = [];
  queueEmpties = 0;
  closeCode: number | undefined;
  closeReason = '';
  private nextRequestId = 1;
  private readonly waiting = new Map<number, (response: wire.Response) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.onFrame(wire.ServerFrame.decode(data)));
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
  }

  static open(url: string, token: string, receive: boolean): Promise<TestSocket> {
    const socket = new WebSocket(`${url}/v1/websocket${receive ? '' : '?receive=false'}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestSocket(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Sends a request and resolves with its response. */
  request(body: Omit<wire.ClientFrame, 'requestId'>): Promise<wire.Response> {
    const requestId = this.nextRequestId;
    this.nextRequestId += 1;
    const answered = new Promise<wire.Response>((resolve) => this.waiting.set(requestId, resolve));
    this.socket.send(wire.ClientFrame.encode({ requestId, ...body }).finish());
    return answered;
  }

  /** Sends one message of `contentBytes` to `recipient`'s one device, as its SDK would. */
  sendTo(recipient: Device, contentBytes = 64): Promise<wire.Response> {
    return this.request({
      sendMessage: {
        destinationAccount: recipient.accountId,
        clientMessageId: randomBytes(16),
        clientTimestampMs: Date.now(),
        retryOfRefused: false,
        messages: [
          {
            destinationDevice: recipient.deviceId,
            contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
            content: Buffer.concat([Buffer.from([0x44]), randomBytes(contentBytes - 1)]),
          },
        ],
      },
    });
  }

  acknowledge(envelopes: messaging.Envelope[]): Promise<wire.Response> {
    return this.request({ acknowledge: { serverGuids: envelopes.map((envelope) => envelope.serverGuid) } });
  }

  /** Acknowledges every envelope as it arrives, as a well-behaved client does. */
  acknowledgeAll(): void {
    this.socket.on('message', (data: Buffer) => {
      const envelope = wire.ServerFrame.decode(data).deliver?.envelope;
      if (envelope !== undefined) void this.acknowledge([envelope]);
    });
  }

  /** Resolves with the close code once the server closed the socket. */
  async closed(timeoutMs = 20_000): Promise<number> {
    await eventually(() => this.closeCode !== undefined, 'the socket to close', timeoutMs);
    return this.closeCode ?? 0;
  }

  terminate(): void {
    this.socket.terminate();
  }

  private onFrame(frame: wire.ServerFrame) {
    if (frame.deliver?.envelope !== undefined) this.delivered.push(frame.deliver.envelope);
    if (frame.queueEmpty !== undefined) this.queueEmpties += 1;
    if (frame.response !== undefined) {
      this.waiting.get(frame.response.requestId)?.(frame.response);
      this.waiting.delete(frame.response.requestId);
    }
  }
}
