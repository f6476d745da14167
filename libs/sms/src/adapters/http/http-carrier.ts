import type { PhoneNumber, SmsCarrier, SmsPartListener } from '../../sms-carrier';
import type { SmsPart } from '../../sms-part';
import { checkPhoneNumber } from '../phone-number';
import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import { checkPartSize } from '../sms-part-size';
import { type GatewayEndpoint, parseGatewayUrl } from './gateway-url';
import { partToJson } from './http-sms-json';
import { retryDelayMs } from './retry-delay';
import { SmsWebhookServer } from './sms-webhook-server';

export interface HttpCarrierOptions {
  /** `http(s)://user:pass@host:port/path`: where messages are posted, with Basic authentication. */
  readonly gatewayUrl: string;
  /** The sender number to ask for; the account's own when left out. */
  readonly from?: PhoneNumber;
  /** Where the gateway's webhook posts incoming SMS; port 0 picks a free one. */
  readonly webhook: { readonly host?: string; readonly port?: number; readonly secret: string };
  /** Attempts a message gets while the gateway answers 429, 5xx or nothing; 5. */
  readonly maxAttempts?: number;
  /** The first backoff, doubled each retry when the gateway sends no Retry-After; 500 ms. */
  readonly baseRetryDelayMs?: number;
  /** The longest wait between attempts; a Retry-After beyond it fails the send at once. 60 s. */
  readonly maxRetryDelayMs?: number;
  /** How long one request may take; 15 s. */
  readonly requestTimeoutMs?: number;
  /** Waits between attempts; the clock, which tests may drive. */
  readonly wait?: (milliseconds: number) => Promise<void>;
}

const EXCERPT_BYTES = 200;
/**
 * Parts in one request: 100 of the largest (8-bit, about 310 bytes of JSON each) keep a
 * gateway that forwards a request whole under the 64 KiB the recipient's webhook takes.
 */
const MAX_PARTS_PER_REQUEST = 100;
const MIN_SECRET_LENGTH = 16;

/**
 * An HTTP SMS gateway as a carrier: each send is one POST of the message's parts (more for
 * over 100 parts), retried with backoff while the gateway is busy or failing, and incoming
 * SMS arrive on a webhook this carrier serves, answered 204 once the listener has every part
 * safe (503, for the gateway to retry, otherwise). Retries can deliver a message twice; the
 * reassembler drops repeats.
 */
export class HttpCarrier implements SmsCarrier {
  private listener: SmsPartListener | undefined;
  private closed = false;

  private constructor(
    private readonly endpoint: GatewayEndpoint,
    private readonly options: HttpCarrierOptions,
    private readonly webhook: SmsWebhookServer,
  ) {}

  static async open(options: HttpCarrierOptions): Promise<HttpCarrier> {
    const endpoint = parseGatewayUrl(options.gatewayUrl);
    if (options.from !== undefined) checkPhoneNumber(options.from, 'sender');
    if (options.webhook.secret.length < MIN_SECRET_LENGTH) {
      throw new SmsCarrierError(
        SmsCarrierErrorCode.InvalidConfig,
        `the webhook secret has ${options.webhook.secret.length} characters, fewer than ${MIN_SECRET_LENGTH}`,
      );
    }
    // The webhook starts first, so that its URL is known; it hands parts on once the carrier exists.
    let handOn = async (_from: string, _parts: SmsPart[]): Promise<void> => undefined;
    const webhook = await SmsWebhookServer.start({
      host: options.webhook.host ?? '127.0.0.1',
      port: options.webhook.port ?? 0,
      secret: options.webhook.secret,
      onMessage: (from, parts) => handOn(from, parts),
    });
    const carrier = new HttpCarrier(endpoint, options, webhook);
    handOn = async (from, parts) => {
      const listener = carrier.listener;
      if (listener === undefined) throw new SmsCarrierError(SmsCarrierErrorCode.Unavailable, 'no listener takes SMS yet');
      for (const part of parts) await listener(from, part);
    };
    return carrier;
  }

  /** The address to register with the gateway as the webhook. */
  get webhookUrl(): string {
    return this.webhook.url;
  }

  async send(to: PhoneNumber, parts: readonly SmsPart[]): Promise<void> {
    if (this.closed) throw new SmsCarrierError(SmsCarrierErrorCode.Closed, 'the HTTP carrier is closed');
    checkPhoneNumber(to, 'destination');
    parts.forEach(checkPartSize);
    for (let start = 0; start < parts.length; start += MAX_PARTS_PER_REQUEST) {
      const batch = parts.slice(start, start + MAX_PARTS_PER_REQUEST).map(partToJson);
      await this.postWithRetries(JSON.stringify({ to, ...(this.options.from && { from: this.options.from }), parts: batch }));
    }
  }

  onPart(listener: SmsPartListener): void {
    this.listener = listener;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.webhook.close();
  }

  private async postWithRetries(body: string): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.post(body);
      if (failure === undefined) return;
      if (attempt >= maxAttempts) throw this.unavailable(`${failure.reason}, after ${attempt} attempts`);
      const delay = retryDelayMs(attempt, failure.retryAfter, Date.now(), this.options.baseRetryDelayMs ?? 500);
      const maxDelay = this.options.maxRetryDelayMs ?? 60_000;
      if (delay > maxDelay) throw this.unavailable(`${failure.reason}, asking for a retry in ${delay} ms, past the ${maxDelay} ms allowed`);
      await (this.options.wait ?? sleep)(delay);
      if (this.closed) throw new SmsCarrierError(SmsCarrierErrorCode.Closed, 'the HTTP carrier was closed while retrying');
    }
  }

  /** Undefined once the gateway took the message; a retryable failure otherwise. A refusal for good throws. */
  private async post(body: string): Promise<{ reason: string; retryAfter: string | null } | undefined> {
    let response: Response;
    try {
      response = await fetch(this.endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.endpoint.authorization && { authorization: this.endpoint.authorization }) },
        body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
    } catch (error) {
      return { reason: `no answer from the gateway: ${(error as Error).message}`, retryAfter: null };
    }
    const excerpt = await readExcerpt(response);
    if (response.ok) return undefined;
    const reason = `the gateway answered ${response.status} ${response.statusText}: ${JSON.stringify(excerpt)}`;
    if (response.status === 429 || response.status >= 500) return { reason, retryAfter: response.headers.get('retry-after') };
    throw new SmsCarrierError(SmsCarrierErrorCode.SendRejected, reason);
  }

  private unavailable(reason: string): SmsCarrierError {
    return new SmsCarrierError(SmsCarrierErrorCode.Unavailable, reason);
  }
}

/** The start of a response body, for error messages, without reading more of it; control characters shown as spaces. */
async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  await reader.cancel();
  return Buffer.concat(chunks)
    .toString('utf8', 0, EXCERPT_BYTES)
    .replace(/\p{Cc}/gu, ' ');
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
