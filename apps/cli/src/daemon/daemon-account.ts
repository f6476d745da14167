import { JSONRPCClient, JSONRPCErrorException } from 'json-rpc-2.0';
import { connect, type Socket } from 'node:net';
import type { SmsPolicy } from '@coming/client';
import type { Account, CurrencyName, HistoryView, MessageView, PayChoices, SendView, SmsRouteView, Subscriber } from '../account/account';
import type { DevicesView, RemovedDeviceView } from '../account/device-views';
import { CliError } from '../cli.errors';
import type { Contact } from '../contacts/contact-book';
import { ExitCode } from '../exit-codes';
import type { PaymentEventView, PaymentRequestView, PaymentView, WalletView } from '../wallet/payment-views';
import { readDaemonFile } from './daemon-file';
import { readLines } from './json-lines';

/** The account of a home that a running daemon holds, used over its socket. */
export class DaemonAccount implements Account {
  private subscriber: Subscriber | undefined;
  private closing = false;

  private constructor(
    private readonly socket: Socket,
    private readonly client: JSONRPCClient,
  ) {}

  /** The daemon of `home`, or undefined when none runs (no daemon file, or nobody answers on its socket). */
  static async of(home: string): Promise<DaemonAccount | undefined> {
    const running = await readDaemonFile(home);
    if (running === undefined) return undefined;
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const attempt = connect(running.socket);
      attempt.once('connect', () => resolve(attempt));
      // A daemon that was killed leaves its file behind; it is replaced when one starts again.
      attempt.once('error', () => resolve(undefined));
    });
    if (socket === undefined) return undefined;
    const client = new JSONRPCClient((request) => void socket.write(`${JSON.stringify(request)}\n`));
    const account = new DaemonAccount(socket, client);
    readLines(socket, (line) => account.onLine(line));
    socket.once('close', () => account.onClose());
    return account;
  }

  async accountId(): Promise<string> {
    return ((await this.call('whoami', {})) as { accountId: string }).accountId;
  }

  send(to: string, text: string, timeoutMs: number): Promise<SendView> {
    return this.call('send', { to, text, timeoutSeconds: timeoutMs / 1000 }) as Promise<SendView>;
  }

  contacts(): Promise<Contact[]> {
    return this.call('contacts', {}) as Promise<Contact[]>;
  }

  addContact(name: string, accountId: string): Promise<Contact> {
    return this.call('contactAdd', { name, accountId }) as Promise<Contact>;
  }

  async removeContact(name: string): Promise<void> {
    await this.call('contactRemove', { name });
  }

  history(contact: string, limit: number): Promise<HistoryView[]> {
    return this.call('history', { contact, limit }) as Promise<HistoryView[]>;
  }

  /** The daemon takes every message: with `max`, those past it are in the history, not left on the server. */
  async subscribe(subscriber: Subscriber): Promise<void> {
    this.subscriber = subscriber;
    const { caughtUp } = (await this.call('subscribe', {})) as { caughtUp: boolean };
    if (caughtUp) subscriber.caughtUp();
  }

  devices(): Promise<DevicesView> {
    return this.call('devices', {}) as Promise<DevicesView>;
  }

  async removeDevice(id: number): Promise<void> {
    await this.call('deviceRemove', { id });
  }

  async nameThisDevice(name: string): Promise<void> {
    await this.call('deviceName', { name });
  }

  async approveLink(linkCode: string): Promise<void> {
    await this.call('approve', { linkCode });
  }

  setContactPhone(contact: string, phone: string, device: number | undefined): Promise<SmsRouteView> {
    return this.call('contactSetPhone', { contact, phone, ...(device === undefined ? {} : { device }) }) as Promise<SmsRouteView>;
  }

  setTransport(contact: string, transport: SmsPolicy): Promise<SmsRouteView> {
    return this.call('transportSet', { contact, transport }) as Promise<SmsRouteView>;
  }

  wallet(): Promise<WalletView> {
    return this.call('wallet', {}) as Promise<WalletView>;
  }

  requestPayment(contact: string, amount: string, options: { currency: CurrencyName; memo: string }): Promise<PaymentRequestView> {
    return this.call('request', { contact, amount, ...options }) as Promise<PaymentRequestView>;
  }

  pay(contact: string, amount: string, options: PayChoices): Promise<PaymentView> {
    return this.call('pay', { contact, amount, ...options }) as Promise<PaymentView>;
  }

  async xbtcFeeQuote(): Promise<number> {
    return ((await this.call('xbtcFeeQuote', {})) as { feeSat: number }).feeSat;
  }

  bump(txid: string, feeRate: number): Promise<PaymentView> {
    return this.call('bump', { txid, feeRate }) as Promise<PaymentView>;
  }

  payments(): Promise<PaymentView[]> {
    return this.call('payments', {}) as Promise<PaymentView[]>;
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => this.socket.end(resolve));
  }

  private async call(method: string, params: object): Promise<unknown> {
    try {
      return await this.client.request(method, params);
    } catch (error) {
      if (error instanceof JSONRPCErrorException) {
        const exitCode = (error.data as { exitCode?: ExitCode } | undefined)?.exitCode ?? ExitCode.Failure;
        throw new CliError(exitCode, error.message);
      }
      throw error;
    }
  }

  private onLine(line: string) {
    const payload = JSON.parse(line) as { method?: string; params?: unknown };
    if (payload.method === 'message') this.subscriber?.message(payload.params as MessageView);
    else if (payload.method === 'payment') this.subscriber?.payment(payload.params as PaymentEventView);
    else if (payload.method === 'caughtUp') this.subscriber?.caughtUp();
    else if (payload.method === 'devicesRemoved') this.subscriber?.devicesRemoved(payload.params as RemovedDeviceView[]);
    else this.client.receive(payload as Parameters<JSONRPCClient['receive']>[0]);
  }

  private onClose() {
    if (this.closing) return;
    const error = new CliError(ExitCode.Failure, 'the daemon went away');
    this.client.rejectAllPendingRequests(error.message);
    this.subscriber?.ended(error);
  }
}
