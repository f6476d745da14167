import { connect, type NatsConnection, RequestError, TimeoutError } from '@nats-io/transport-node';
import { Broker, BrokerError, BrokerErrorCode, type BrokerMessage, type BrokerSubscription } from './broker';
import { natsInboxPrefix } from './nats-permissions';
import { processTraced, sendTraced } from './nats-tracing';
import { subjectPatternOf } from './subjects';

export interface NatsBrokerOptions {
  url: string;
  /** Prepended to every subject, so deployments and test runs sharing a server stay apart. */
  subjectPrefix: string;
  /** The service connecting; names the connection and its reply inbox (see natsPermissions). */
  name: string;
  /** This service's own NATS user; anonymous when unset (only for a server without authorization). */
  credentials?: { user: string; password: string } | undefined;
  /** PEM files: the CA that signed the server's certificate and, for mutual TLS, this client's certificate and key. */
  tls?: { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined } | undefined;
}

/**
 * The scaled broker: core NATS request-reply and publish-subscribe. Every message carries
 * the sender's trace context in its headers.
 */
export class NatsBroker extends Broker {
  private constructor(
    private readonly connection: NatsConnection,
    private readonly prefix: string,
  ) {
    super();
  }

  static async connect({ url, subjectPrefix, name, credentials, tls }: NatsBrokerOptions): Promise<NatsBroker> {
    const connection = await connect({
      servers: url,
      name,
      // Reconnect forever: a NATS restart must not take the service down with it.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      // Replies arrive under an inbox only this service may read.
      inboxPrefix: natsInboxPrefix(name.replace(/[^A-Za-z0-9_-]/g, '_')),
      // Without this every request builds two Error objects with stack traces up front, in
      // case it fails; failures are expected here (an offline device) and need no trace.
      noAsyncTraces: true,
      ...(credentials === undefined ? {} : { user: credentials.user, pass: credentials.password }),
      ...(tls === undefined ? {} : { tls: definedOnly(tls) }),
    });
    return new NatsBroker(connection, subjectPrefix === '' ? '' : `${subjectPrefix}.`);
  }

  publish(subject: string, data: Uint8Array): Promise<void> {
    return sendTraced('publish', this.prefix + subjectPatternOf(subject), data, async (headers) => {
      try {
        this.connection.publish(this.prefix + subject, data, { headers });
      } catch (error) {
        throw new BrokerError(BrokerErrorCode.Unavailable, `publish on ${subject} failed`, { cause: error });
      }
    });
  }

  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    return sendTraced('request', this.prefix + subjectPatternOf(subject), data, async (headers) => {
      try {
        const reply = await this.connection.request(this.prefix + subject, data, { timeout: timeoutMs, headers });
        return reply.data;
      } catch (error) {
        throw toBrokerError(subject, timeoutMs, error);
      }
    });
  }

  subscribe(subject: string, handler: (message: BrokerMessage) => void): BrokerSubscription {
    const destination = this.prefix + subjectPatternOf(subject);
    const subscription = this.connection.subscribe(this.prefix + subject, {
      callback: (error, message) => {
        // A subscription error is terminal for it and is reported by the connection's status.
        if (error !== null) return;
        processTraced(message, destination, () =>
          handler({
            subject: message.subject.slice(this.prefix.length),
            data: message.data,
            respond: (answer) => {
              message.respond(answer);
            },
          }),
        );
      },
    });
    return { unsubscribe: () => subscription.unsubscribe() };
  }

  override onReconnect(listener: () => void): BrokerSubscription {
    let active = true;
    void (async () => {
      for await (const status of this.connection.status()) {
        if (!active) return;
        if (status.type === 'reconnect') listener();
      }
    })();
    return {
      unsubscribe: () => {
        active = false;
      },
    };
  }

  async ping(): Promise<void> {
    await this.connection.flush();
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}

function definedOnly(tls: NonNullable<NatsBrokerOptions['tls']>) {
  return Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined));
}

function toBrokerError(subject: string, timeoutMs: number, error: unknown): BrokerError {
  if (error instanceof RequestError && error.isNoResponders()) {
    return new BrokerError(BrokerErrorCode.NoResponders, `no subscriber on ${subject}`, { cause: error });
  }
  if (error instanceof TimeoutError || (error instanceof RequestError && error.cause instanceof TimeoutError)) {
    return new BrokerError(BrokerErrorCode.Timeout, `no reply on ${subject} within ${timeoutMs} ms`, { cause: error });
  }
  return new BrokerError(BrokerErrorCode.Unavailable, `request on ${subject} failed`, { cause: error });
}
