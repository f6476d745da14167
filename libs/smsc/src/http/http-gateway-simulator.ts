import { type PhoneNumber, type SmsPartJson, WEBHOOK_SECRET_HEADER, gatewayRequestSchema } from '@coming/sms';
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A customer of the gateway: its login, its number, and the secret its webhook expects. */
export interface GatewayAccount {
  readonly user: string;
  readonly password: string;
  readonly number: PhoneNumber;
  readonly webhookSecret: string;
}

/** One message that crossed the gateway, as the gateway (or anyone reading its logs) sees it. */
export interface GatewayRecord {
  readonly from: PhoneNumber;
  readonly to: PhoneNumber;
  readonly parts: readonly SmsPartJson[];
  /** What the recipient's webhook answered. */
  readonly webhookStatus: number;
}

const PATH = '/messages';

/**
 * An HTTP SMS gateway on loopback, speaking the carrier's JSON (http-sms-json.ts in
 * @coming/sms): accepts `POST /messages` with Basic authentication, and posts each message
 * to the webhook of the account whose number it is for, from the sender's number. It can be
 * told to refuse requests for a while, as a busy or failing gateway does.
 */
export class HttpGatewaySimulator {
  private readonly accounts: GatewayAccount[] = [];
  private readonly webhooks = new Map<PhoneNumber, string>();
  private readonly records: GatewayRecord[] = [];
  private failures: { remaining: number; status: number; retryAfter?: string } = { remaining: 0, status: 0 };
  /** Every request to /messages, refused or not. */
  requests = 0;

  private readonly server: Server = createServer((request, response) => {
    this.handle(request, response).catch((error: unknown) => respond(response, 500, { error: String(error) }));
  });
  private origin = '';

  private constructor() {}

  static async start(): Promise<HttpGatewaySimulator> {
    const simulator = new HttpGatewaySimulator();
    simulator.server.listen(0, '127.0.0.1');
    await once(simulator.server, 'listening');
    simulator.origin = `127.0.0.1:${(simulator.server.address() as AddressInfo).port}`;
    return simulator;
  }

  /** Opens an account; returns the URL its carrier posts to, credentials included. */
  addAccount(account: GatewayAccount): string {
    this.accounts.push(account);
    return `http://${encodeURIComponent(account.user)}:${encodeURIComponent(account.password)}@${this.origin}${PATH}`;
  }

  /** Where the account with `number` gets its incoming SMS, as a provider's dashboard sets it. */
  setWebhook(number: PhoneNumber, url: string): void {
    this.webhooks.set(number, url);
  }

  /** Answers the next `count` requests with `status` (and a Retry-After, when given) instead of taking them. */
  failNext(count: number, status: number, retryAfter?: string): void {
    this.failures = { remaining: count, status, retryAfter };
  }

  get log(): readonly GatewayRecord[] {
    return this.records;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(request);
    if (request.method !== 'POST' || request.url !== PATH) return respond(response, 404, { error: 'not found' });
    this.requests++;
    const account = this.accounts.find(
      ({ user, password }) => request.headers.authorization === `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    );
    if (!account) return respond(response, 401, { error: 'unknown account' });
    if (this.failures.remaining > 0) {
      this.failures.remaining--;
      const headers: Record<string, string> = this.failures.retryAfter === undefined ? {} : { 'retry-after': this.failures.retryAfter };
      return respond(response, this.failures.status, { error: 'try later' }, headers);
    }
    const parsed = gatewayRequestSchema.safeParse(JSON.parse(body));
    if (!parsed.success) return respond(response, 400, { error: parsed.error.message });
    const { to, from = account.number, parts } = parsed.data;
    if (from !== account.number) return respond(response, 403, { error: `${from} is not this account's number` });
    const recipient = this.accounts.find(({ number }) => number === to);
    const webhookUrl = this.webhooks.get(to);
    if (!recipient || webhookUrl === undefined) return respond(response, 404, { error: `no subscriber ${to}` });
    const delivered = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [WEBHOOK_SECRET_HEADER]: recipient.webhookSecret },
      body: JSON.stringify({ from, to, parts }),
    });
    await delivered.body?.cancel();
    this.records.push({ from, to, parts, webhookStatus: delivered.status });
    if (!delivered.ok) return respond(response, 502, { error: `the recipient's webhook answered ${delivered.status}` });
    respond(response, 202, { id: this.records.length });
  }
}

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function respond(response: ServerResponse, status: number, json: object, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(json));
}
