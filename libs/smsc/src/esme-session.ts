import {
  DataCoding,
  EsmClass,
  INTERNATIONAL_TON,
  ISDN_NPI,
  type PhoneNumber,
  phoneNumberOf,
  type ShortMessageOctets,
  shortMessageField,
  shortMessageOctets,
  smpp,
  smppAddress,
  type SmppPdu,
  type SmppSession,
  SmppStatus,
} from '@coming/sms';
import type { HeldMessage } from './message-store';
import type { MessageRouter, Recipient, SmscStats } from './message-router';
import { TokenBucket } from './token-bucket';

/** An account that may bind; `numbers`, when set, are the only numbers it may bind for. */
export interface SmscAccount {
  readonly systemId: string;
  readonly password: string;
  readonly numbers?: readonly PhoneNumber[];
}

export interface EsmeSessionSettings {
  /** Who may bind: listed accounts, or anyone with any credentials ('open'). */
  readonly accounts: readonly SmscAccount[] | 'open';
  readonly submitsPerSecond: number;
  readonly submitBurst: number;
  /** deliver_sm a session may leave unanswered at once. */
  readonly deliveryWindow: number;
  /** How long a connection may stay unbound, and an ESME may take to answer a deliver_sm. */
  readonly bindTimeoutMs: number;
  readonly responseTimeoutMs: number;
  /** Octets of responses and deliveries queued to a peer that does not read before it is dropped. */
  readonly maxUnsentOctets: number;
}

const SMSC_SYSTEM_ID = 'coming-smsc';

type BindMode = 'transmitter' | 'receiver' | 'transceiver';
const BIND_MODES: Readonly<Record<string, BindMode>> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
};

// A real SMS holds 140 octets (TS 23.040 §9.2.3.16), or 160 septets of GSM 7-bit text, header included.
const MAX_SMS_OCTETS = 140;
const MAX_SMS_SEPTETS = 160;

/**
 * One ESME's connection: its bind (checked against the accounts, for the E.164 number its
 * address_range names), its submit_sm (throttled, checked, handed to the router) and the
 * deliver_sm the router sends it. A PDU the package cannot parse, or a peer that stops
 * reading or answering, ends the connection; nothing a peer sends makes this throw.
 */
export class EsmeSession implements Recipient {
  number: PhoneNumber = '';
  private mode: BindMode | undefined;
  private closed = false;
  private readonly bucket: TokenBucket;
  private readonly deliveries = new Set<(error: Error) => void>();
  private readonly bindTimer: NodeJS.Timeout;

  constructor(
    private readonly session: SmppSession,
    private readonly router: MessageRouter,
    private readonly stats: SmscStats,
    private readonly settings: EsmeSessionSettings,
  ) {
    this.bucket = new TokenBucket(settings.submitsPerSecond, settings.submitBurst);
    this.bindTimer = setTimeout(() => this.end(), settings.bindTimeoutMs);
    session.on('pdu', (pdu: SmppPdu) => {
      if (!pdu.isResponse()) this.onRequest(pdu);
    });
    session.on('error', () => {
      // Unparseable input leaves the stream out of step: say so (sequence unknown), then hang up.
      this.end(new smpp.PDU('generic_nack', { command_status: SmppStatus.InvalidCommandLength }));
    });
    session.on('close', () => this.end());
  }

  canTakeMore(): boolean {
    return !this.closed && this.deliveries.size < this.settings.deliveryWindow;
  }

  deliver(message: HeldMessage): Promise<number> {
    return new Promise((resolve, reject) => {
      const lost = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(() => this.end(), this.settings.responseTimeoutMs);
      this.deliveries.add(lost);
      const pdu = new smpp.PDU('deliver_sm', {
        source_addr_ton: INTERNATIONAL_TON,
        source_addr_npi: ISDN_NPI,
        source_addr: smppAddress(message.from),
        dest_addr_ton: INTERNATIONAL_TON,
        dest_addr_npi: ISDN_NPI,
        destination_addr: smppAddress(message.to),
        esm_class: message.esmClass,
        data_coding: message.dataCoding,
        short_message: message.shortMessage,
        ...(message.receipted && { receipted_message_id: message.receipted.messageId, message_state: message.receipted.state }),
      });
      const sent = this.session.send(pdu, (response) => {
        clearTimeout(timer);
        this.deliveries.delete(lost);
        resolve(response.command_status);
      });
      if (!sent) this.end();
      else this.checkBackpressure();
    });
  }

  /**
   * Ends the connection once, after a last word when there is one: detached from the router
   * and its deliveries returned to the store before that word goes out, so a peer that read
   * it (an unbind_resp, say) knows they will go to the next session bound for its number.
   */
  private end(lastWord?: SmppPdu) {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.bindTimer);
    if (this.receives()) this.router.detach(this);
    const ended = new Error(`the connection of ${this.number || 'an unbound ESME'} ended`);
    for (const lost of [...this.deliveries]) lost(ended);
    this.deliveries.clear();
    if (lastWord === undefined || !this.session.send(lastWord, undefined, () => this.session.destroy())) this.session.destroy();
  }

  private receives(): boolean {
    return this.mode === 'receiver' || this.mode === 'transceiver';
  }

  private respond(pdu: SmppPdu, status: number, fields: { message_id?: string; system_id?: string } = {}) {
    if (this.closed) return;
    this.session.send(pdu.response({ command_status: status, ...fields }));
    this.checkBackpressure();
  }

  /** A peer that sends but does not read would make its unsent responses grow without end. */
  private checkBackpressure() {
    if (this.session.socket.writableLength > this.settings.maxUnsentOctets) this.end();
  }

  private onRequest(pdu: SmppPdu) {
    const mode = BIND_MODES[pdu.command];
    if (mode !== undefined) return this.bind(pdu, mode);
    switch (pdu.command) {
      case 'enquire_link':
        return this.respond(pdu, SmppStatus.Ok);
      case 'unbind':
        return this.end(pdu.response());
      case 'submit_sm': {
        const { status, messageId } = this.submit(pdu);
        return this.respond(pdu, status, { message_id: messageId });
      }
      default:
        // An unknown command ID gets a generic_nack; a known one this SMSC does not offer, its own response.
        return this.respond(pdu, SmppStatus.InvalidCommandId);
    }
  }

  private bind(pdu: SmppPdu, mode: BindMode) {
    if (this.mode !== undefined) return this.respond(pdu, SmppStatus.AlreadyBound);
    const number = phoneNumberOf(pdu.address_range, pdu.addr_ton);
    const status = this.authenticate(pdu.system_id ?? '', pdu.password ?? '', number);
    if (status !== SmppStatus.Ok || number === undefined) {
      // One guess per connection slows down a password guesser.
      return this.end(pdu.response({ command_status: status }));
    }
    clearTimeout(this.bindTimer);
    this.mode = mode;
    this.number = number;
    this.respond(pdu, SmppStatus.Ok, { system_id: SMSC_SYSTEM_ID });
    if (this.receives()) this.router.attach(this);
  }

  private authenticate(systemId: string, password: string, number: PhoneNumber | undefined): number {
    const { accounts } = this.settings;
    const account = accounts === 'open' ? undefined : accounts.find((candidate) => candidate.systemId === systemId);
    if (accounts !== 'open') {
      if (account === undefined) return SmppStatus.InvalidSystemId;
      if (account.password !== password) return SmppStatus.InvalidPassword;
    }
    // The number is whom the session receives for and sends as: one the account may use, in E.164.
    if (number === undefined || (account?.numbers !== undefined && !account.numbers.includes(number))) return SmppStatus.BindFailed;
    return SmppStatus.Ok;
  }

  private submit(pdu: SmppPdu): { status: number; messageId?: string } {
    const refuse = (status: number) => ({ status });
    if (this.mode !== 'transmitter' && this.mode !== 'transceiver') return refuse(SmppStatus.IncorrectBindStatus);
    if (!this.bucket.take()) {
      this.stats.throttled += 1;
      return refuse(SmppStatus.Throttled);
    }
    // A session sends as the number it bound for, so nobody signs a message with another's number.
    if (phoneNumberOf(pdu.source_addr, pdu.source_addr_ton) !== this.number) return refuse(SmppStatus.InvalidSourceAddress);
    const to = phoneNumberOf(pdu.destination_addr, pdu.dest_addr_ton);
    if (to === undefined) return refuse(SmppStatus.InvalidDestinationAddress);
    if (pdu.message_payload !== undefined) return refuse(SmppStatus.TlvNotAllowed);
    const dataCoding = pdu.data_coding ?? DataCoding.Gsm7;
    if (dataCoding !== DataCoding.Gsm7 && dataCoding !== DataCoding.Binary) return refuse(SmppStatus.InvalidDataCoding);
    const octets = shortMessageOctets(pdu);
    if (!fitsOneSms(octets, dataCoding)) return refuse(SmppStatus.InvalidMessageLength);
    const { outcome, messageId } = this.router.submit({
      from: this.number,
      to,
      esmClass: octets.udh === undefined ? 0 : EsmClass.UdhIndicator,
      dataCoding,
      shortMessage: shortMessageField(octets),
      registeredDelivery: pdu.registered_delivery ?? 0,
    });
    return outcome === 'held' ? { status: SmppStatus.Ok, messageId } : refuse(SmppStatus.MessageQueueFull);
  }
}

/** Whether the octets fit one SMS: an SMSC splits nothing, so the sender must have. */
function fitsOneSms({ udh, body }: ShortMessageOctets, dataCoding: number): boolean {
  const header = udh === undefined ? 0 : 1 + udh.length;
  // GSM 7-bit text starts on a septet boundary after the header (TS 23.040 §9.2.3.24).
  if (dataCoding === DataCoding.Gsm7) return Math.ceil((header * 8) / 7) + body.length <= MAX_SMS_SEPTETS;
  return header + body.length <= MAX_SMS_OCTETS;
}
