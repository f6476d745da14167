import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SmsPart } from '../../sms-part';
import { SmsCarrierError } from '../sms-carrier.errors';
import { partFromJson, webhookRequestSchema } from './http-sms-json';

/** The header that carries the shared secret the gateway was given. */
export const WEBHOOK_SECRET_HEADER = 'x-sms-webhook-secret';
/** 255 parts of 280 hex digits and their keys fit well under this; anything larger is not from a gateway. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;
const PATH = '/sms';
const MAX_CONNECTIONS = 64;
/** What a 503 asks the gateway to wait before sending a message not taken again. */
const RETRY_AFTER_SECONDS = 30;

export interface SmsWebhookOptions {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** Resolves once the parts are safe; until then the gateway gets no answer, and on a rejection a 503 to deliver them again. */
  readonly onMessage: (from: string, parts: SmsPart[]) => Promise<void>;
}

/**
 * Receives SMS from an HTTP gateway: `POST /sms` with the shared secret in a header and the
 * JSON of http-sms-json.ts. The secret is checked before the body is read, so that a sender
 * without it costs a header parse; the body is capped, and each part checked to fit one SMS.
 */
export class SmsWebhookServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: SmsWebhookOptions): Promise<SmsWebhookServer> {
    const secretDigest = digest(options.secret);
    const server = createServer((request, response) => {
      // A client that hangs up mid-body, or a listener that throws: the request fails alone.
      handle(request, response, secretDigest, options.onMessage).catch(() => {
        if (response.headersSent) response.destroy();
        else reply(response, 500, 'internal error');
      });
    });
    // A slow or idle client is cut off rather than holding a socket.
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    // With the body cap, this bounds what requests in flight can hold: 64 × 64 KiB.
    server.maxConnections = MAX_CONNECTIONS;
    server.listen(options.port, options.host);
    await once(server, 'listening');
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    return new SmsWebhookServer(server, `http://${host}:${port}${PATH}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  secretDigest: Buffer,
  onMessage: (from: string, parts: SmsPart[]) => Promise<void>,
): Promise<void> {
  if (new URL(request.url ?? '/', 'http://webhook').pathname !== PATH) return reply(response, 404, 'not found');
  if (request.method !== 'POST') return reply(response, 405, 'only POST');
  const secret = request.headers[WEBHOOK_SECRET_HEADER];
  // Digests have one length, so the comparison takes the same time whatever was sent.
  if (typeof secret !== 'string' || !timingSafeEqual(digest(secret), secretDigest)) return reply(response, 401, 'wrong or missing secret');
  const body = await readBody(request);
  if (body === undefined) return reply(response, 413, `body over ${MAX_WEBHOOK_BODY_BYTES} bytes`);
  let message: { from: string; parts: SmsPart[] };
  try {
    message = parseMessage(body);
  } catch (error) {
    return reply(response, 400, error instanceof Error ? error.message : 'unreadable');
  }
  try {
    await onMessage(message.from, message.parts);
  } catch {
    // Not taken (no listener yet, a client that cannot save): the gateway keeps the message and sends it again.
    response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    return reply(response, 503, 'not taken now; send it again later');
  }
  reply(response, 204);
}

function parseMessage(body: Buffer): { from: string; parts: SmsPart[] } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Error(`malformed JSON: ${(error as Error).message}`);
  }
  const parsed = webhookRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  try {
    return { from: parsed.data.from, parts: parsed.data.parts.map(partFromJson) };
  } catch (error) {
    if (error instanceof SmsCarrierError) throw new Error(`parts: ${error.message}`);
    throw error;
  }
}

/** The body, or undefined once it passes the cap; the rest is not read. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_WEBHOOK_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_WEBHOOK_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, reason?: string): void {
  // Closing after an early refusal leaves no unread body on a kept-alive connection.
  if (status >= 400) response.setHeader('connection', 'close');
  response.writeHead(status, reason === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8' });
  response.end(reason);
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
