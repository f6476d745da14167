import { isPhoneNumber, smpp, type SmppSession } from '@coming/sms';
import type { AddressInfo } from 'node:net';
import { EsmeSession, type EsmeSessionSettings, type SmscAccount } from './esme-session';
import { MessageRouter, type SmscStats } from './message-router';
import { MessageStore, type MessageStoreLimits } from './message-store';
import { SmscLog, type SmscLogEntry } from './smsc-log';
import { SmscError, SmscErrorCode } from './smsc.errors';

export interface SmscOptions extends Partial<Omit<EsmeSessionSettings, 'accounts'>>, Partial<MessageStoreLimits> {
  /** 0 (the default) for a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * Who may bind. An ESME binds for one E.164 number, named by the bind's address_range (with
   * addr_ton 1, or 0 and a leading +): it receives what is sent to that number and sends as it.
   */
  readonly accounts: readonly SmscAccount[] | 'open';
  /** Connections at once. */
  readonly maxSessions?: number;
  /** Log entries kept, the latest. */
  readonly maxLogEntries?: number;
}

export interface Smsc {
  readonly port: number;
  /** `smpp://host:port`; an ESME adds its credentials. */
  readonly url: string;
  /** What the SMSC routed, oldest first. */
  log(): readonly SmscLogEntry[];
  stats(): Readonly<SmscStats> & { readonly held: number; readonly sessions: number };
  /** Drops every connection, as a crash would, and stops listening; held messages are gone. */
  stop(): Promise<void>;
}

const DEFAULTS = {
  submitsPerSecond: 100,
  deliveryWindow: 10,
  bindTimeoutMs: 10_000,
  responseTimeoutMs: 30_000,
  maxUnsentOctets: 1024 * 1024,
  perRecipient: 100,
  perSender: 500,
  total: 10_000,
  maxSessions: 100,
  maxLogEntries: 10_000,
};

/**
 * A local SMS centre for tests and demos: SMPP 3.4 over TCP, routing each submit_sm to the
 * sessions bound for its destination number as a deliver_sm (header, data coding and octets
 * as sent), holding it while none is bound, and sending delivery receipts on request. Every
 * store and queue has a cap; see SmscOptions and MessageStoreLimits for what a flood can fill.
 */
export async function startSmsc(options: SmscOptions): Promise<Smsc> {
  const { accounts, host = '127.0.0.1', port = 0, ...limits } = options;
  const settings = { ...DEFAULTS, ...withoutUndefined(limits) };
  const submitBurst = limits.submitBurst ?? settings.submitsPerSecond;
  checkLimits({ ...settings, submitBurst });
  checkAccounts(accounts);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new SmscError(SmscErrorCode.InvalidOptions, `option port is ${port}, not a port from 0 to 65535`);
  const stats: SmscStats = { throttled: 0, queueFull: 0, delivered: 0, undeliverable: 0, deferred: 0, receiptsDropped: 0 };
  const store = new MessageStore(settings);
  const log = new SmscLog(settings.maxLogEntries);
  const router = new MessageRouter(store, log, stats);
  const server = smpp.createServer({}, (session: SmppSession) => {
    if (server.sessions.length > settings.maxSessions) {
      session.destroy();
      return;
    }
    new EsmeSession(session, router, stats, { ...settings, submitBurst, accounts });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    url: `smpp://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    log: () => log.snapshot(),
    stats: () => ({ ...stats, held: store.size, sessions: server.sessions.length }),
    stop: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const session of [...server.sessions]) session.destroy();
      }),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function checkLimits(limits: Record<string, number>) {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1)
      throw new SmscError(SmscErrorCode.InvalidOptions, `option ${name} is ${value}, not a whole number from 1`);
  }
}

function checkAccounts(accounts: SmscOptions['accounts']) {
  if (accounts === 'open') return;
  for (const account of accounts) {
    const wrong = account.numbers?.find((number) => !isPhoneNumber(number));
    if (wrong !== undefined)
      throw new SmscError(SmscErrorCode.InvalidOptions, `account "${account.systemId}" lists "${wrong}", not an E.164 number`);
  }
}
