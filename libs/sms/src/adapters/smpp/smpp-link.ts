import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import { backoffDelay, type BackoffPolicy } from './backoff';
import {
  commandStatusName,
  INTERNATIONAL_TON,
  ISDN_NPI,
  smpp,
  type SmppPdu,
  type SmppPduFields,
  type SmppSession,
  SmppStatus,
} from './smpp-wire';

export interface SmppLinkOptions {
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  /** The bind's address_range: the number (SMPP digits) whose messages the SMSC routes to this session. */
  readonly address: string;
  readonly enquireLinkIntervalMs: number;
  /** How long the SMSC may take to answer a request (the bind included) before the connection counts as dead. */
  readonly responseTimeoutMs: number;
  readonly reconnectBackoff: BackoffPolicy;
}

/** Answers a deliver_sm with a command status, at once or once the part has been taken. */
export type DeliverHandler = (pdu: SmppPdu) => number | Promise<number>;

// Refusals that trying again cannot cure: the account itself is wrong.
const PERMANENT_REFUSALS = new Set<number>([SmppStatus.InvalidPassword, SmppStatus.InvalidSystemId, SmppStatus.BindFailed]);

interface BindWaiter {
  resolve(session: SmppSession): void;
  reject(error: SmsCarrierError): void;
}

/**
 * One transceiver bind to an SMSC, kept up: it rebinds after the connection drops (waits
 * doubling up to a bound), sends enquire_link while idle and drops a connection that stops
 * answering. Requests in flight when a connection drops fail with UNAVAILABLE; whether the
 * SMSC took them is unknown, so the caller may send them again (the codec drops duplicates).
 */
export class SmppLink {
  private session: SmppSession | undefined;
  private bound = false;
  /** Set once for good: closed, or refused for a reason retrying cannot cure. */
  private failure: SmsCarrierError | undefined;
  private firstBind: BindWaiter | undefined;
  private readonly bindWaiters = new Set<BindWaiter>();
  private readonly inFlight = new Set<(error: SmsCarrierError) => void>();
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  /** Why the last connection ended, for the error that reports it. */
  private lastProblem = 'the connection closed';
  private readonly closed: Promise<void>;
  private markClosed: () => void = () => undefined;

  constructor(
    private readonly options: SmppLinkOptions,
    private readonly onDeliver: DeliverHandler,
  ) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  private get where(): string {
    return `smpp://${this.options.host}:${this.options.port}`;
  }

  /** Connects and binds; rejects when the first try fails, which then is not retried (the URL or the account is likely wrong). */
  open(): Promise<SmppSession> {
    return new Promise((resolve, reject) => {
      this.firstBind = { resolve, reject };
      this.connect();
    });
  }

  /** The bound session, once there is one; UNAVAILABLE when none comes within `timeoutMs`. */
  whenBound(timeoutMs: number): Promise<SmppSession> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.bound && this.session !== undefined) return Promise.resolve(this.session);
    return new Promise((resolve, reject) => {
      const waiter: BindWaiter = {
        resolve: (session) => {
          clearTimeout(timer);
          this.bindWaiters.delete(waiter);
          resolve(session);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.bindWaiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(
        () =>
          waiter.reject(
            new SmsCarrierError(
              SmsCarrierErrorCode.Unavailable,
              `not bound to the SMSC at ${this.where} within ${timeoutMs} ms: ${this.lastProblem}`,
            ),
          ),
        timeoutMs,
      );
      this.bindWaiters.add(waiter);
    });
  }

  /** Sends a request on `session` and resolves with the response, whatever its status. */
  request(session: SmppSession, command: string, fields: SmppPduFields): Promise<SmppPdu> {
    return new Promise((resolve, reject) => {
      const lost = (error: SmsCarrierError) => {
        clearTimeout(timer);
        reject(error);
      };
      // A peer that does not answer in time is gone: dropping the connection fails this request and rebinds.
      const timer = setTimeout(() => {
        this.lastProblem = `no answer to ${command} within ${this.options.responseTimeoutMs} ms`;
        session.destroy();
      }, this.options.responseTimeoutMs);
      this.inFlight.add(lost);
      const sent = session.send(new smpp.PDU(command, fields), (response) => {
        clearTimeout(timer);
        this.inFlight.delete(lost);
        resolve(response);
      });
      if (!sent) {
        this.inFlight.delete(lost);
        lost(this.connectionLost(command));
      }
    });
  }

  /** Unbinds and closes; every wait and request still open fails with CLOSED. */
  async close(): Promise<void> {
    if (this.failure?.code === SmsCarrierErrorCode.Closed) return this.closed;
    this.fail(new SmsCarrierError(SmsCarrierErrorCode.Closed, `the SMPP carrier for ${this.where} was closed`));
    const session = this.session;
    if (session === undefined) {
      this.markClosed();
      return this.closed;
    }
    if (!this.bound) {
      session.destroy();
      return this.closed;
    }
    try {
      await this.request(session, 'unbind', {});
    } catch (error) {
      // The connection went first: nothing is left to unbind.
      this.lastProblem = (error as Error).message;
    }
    session.close();
    return this.closed;
  }

  private connect() {
    this.reconnectTimer = undefined;
    const session = smpp.connect({ host: this.options.host, port: this.options.port });
    this.session = session;
    const bindTimer = setTimeout(() => {
      this.lastProblem = `no bind within ${this.options.responseTimeoutMs} ms`;
      session.destroy();
    }, this.options.responseTimeoutMs);
    session.on('connect', () => {
      const { systemId, password, address } = this.options;
      const bind = new smpp.PDU('bind_transceiver', {
        system_id: systemId,
        password,
        interface_version: 0x34,
        addr_ton: INTERNATIONAL_TON,
        addr_npi: ISDN_NPI,
        address_range: address,
      });
      session.send(bind, (response) => {
        clearTimeout(bindTimer);
        this.onBindResponse(session, response);
      });
    });
    session.on('pdu', (pdu: SmppPdu) => {
      if (!pdu.isResponse()) this.onRequest(session, pdu);
    });
    // A socket error, or a PDU the package cannot parse (after which the stream cannot be trusted).
    session.on('error', (error: Error) => {
      this.lastProblem = error.message;
      session.destroy();
    });
    session.on('close', () => {
      clearTimeout(bindTimer);
      this.onClose(session);
    });
  }

  private onBindResponse(session: SmppSession, response: SmppPdu) {
    if (response.command_status === SmppStatus.Ok) {
      this.bound = true;
      this.reconnectAttempt = 0;
      this.keepaliveTimer = setInterval(() => this.keepalive(session), this.options.enquireLinkIntervalMs);
      this.keepaliveTimer.unref();
      this.firstBind?.resolve(session);
      this.firstBind = undefined;
      for (const waiter of [...this.bindWaiters]) waiter.resolve(session);
      return;
    }
    const refusal = new SmsCarrierError(
      SmsCarrierErrorCode.BindRefused,
      `the SMSC at ${this.where} refused to bind system ID "${this.options.systemId}" for ${this.options.address}: ${commandStatusName(response.command_status)}`,
    );
    this.lastProblem = refusal.message;
    if (this.firstBind !== undefined || PERMANENT_REFUSALS.has(response.command_status)) this.fail(refusal);
    session.destroy();
  }

  private keepalive(session: SmppSession) {
    this.request(session, 'enquire_link', {}).then(
      (response) => {
        if (response.command_status !== SmppStatus.Ok)
          this.lastProblem = `enquire_link answered ${commandStatusName(response.command_status)}`;
      },
      (error: unknown) => {
        this.lastProblem = (error as Error).message;
      },
    );
  }

  private onRequest(session: SmppSession, pdu: SmppPdu) {
    const respond = (status: number) => session.send(pdu.response({ command_status: status }));
    switch (pdu.command) {
      case 'enquire_link':
        respond(SmppStatus.Ok);
        return;
      case 'unbind':
        // The SMSC is going away; the close that follows brings the rebind.
        this.lastProblem = 'the SMSC unbound';
        session.send(pdu.response(), () => session.close());
        return;
      case 'deliver_sm':
        if (!this.bound) respond(SmppStatus.IncorrectBindStatus);
        else
          Promise.resolve(this.onDeliver(pdu)).then(respond, (error: unknown) => {
            this.lastProblem = `a delivered part failed: ${(error as Error).message}`;
            respond(SmppStatus.SystemError);
          });
        return;
      default:
        respond(SmppStatus.InvalidCommandId);
    }
  }

  private onClose(session: SmppSession) {
    if (session !== this.session) return;
    this.session = undefined;
    this.bound = false;
    clearInterval(this.keepaliveTimer);
    const lost = this.connectionLost('the request');
    for (const reject of [...this.inFlight]) reject(lost);
    this.inFlight.clear();
    if (this.failure !== undefined) {
      this.markClosed();
      return;
    }
    if (this.firstBind !== undefined) {
      this.fail(new SmsCarrierError(SmsCarrierErrorCode.Unavailable, `could not bind to the SMSC at ${this.where}: ${this.lastProblem}`));
      this.markClosed();
      return;
    }
    this.reconnectTimer = setTimeout(() => this.connect(), backoffDelay(this.options.reconnectBackoff, this.reconnectAttempt));
    this.reconnectAttempt += 1;
  }

  private connectionLost(what: string): SmsCarrierError {
    return new SmsCarrierError(
      SmsCarrierErrorCode.Unavailable,
      `the connection to ${this.where} dropped before ${what} was answered: ${this.lastProblem}`,
    );
  }

  private fail(error: SmsCarrierError) {
    this.failure = error;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepaliveTimer);
    this.firstBind?.reject(error);
    this.firstBind = undefined;
    for (const waiter of [...this.bindWaiters]) waiter.reject(error);
  }
}
