import { setTimeout as wait } from 'node:timers/promises';
import type { PhoneNumber, SmsCarrier, SmsPartListener } from '../../sms-carrier';
import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import type { SmsPart } from '../../sms-part';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { type DeliveryReceipt, readReceiptText } from './delivery-receipt';
import { SmppLink } from './smpp-link';
import { parseSmppUrl } from './smpp-url';
import {
  commandStatusName,
  DataCoding,
  EsmClass,
  gsm7Octets,
  gsm7Text,
  INTERNATIONAL_TON,
  isPhoneNumber,
  ISDN_NPI,
  MAX_SHORT_MESSAGE_OCTETS,
  phoneNumberOf,
  type SmppPdu,
  type SmppPduFields,
  smppAddress,
  SmppStatus,
  shortMessageField,
  shortMessageOctets,
} from './smpp-wire';

export interface SmppCarrierOptions {
  /** `smpp://system_id:password@host:port`. */
  readonly url: string;
  /** This phone's number: the bind's address range and every part's source address. */
  readonly ownNumber: PhoneNumber;
  /** How long a part waits for a bind (the first one, or a rebind after a drop) before it fails. Default 30 s. */
  readonly bindWaitMs?: number;
  /** Tries per part, counting retries after "throttled" and after a connection dropped mid-request. Default 8. */
  readonly maxAttempts?: number;
  /** Waits between tries after "throttled". Default 100 ms doubling to 5 s. */
  readonly throttleBackoff?: BackoffPolicy;
  /** Waits between reconnections. Default 250 ms doubling to 30 s. */
  readonly reconnectBackoff?: BackoffPolicy;
  /** Default 30 s. */
  readonly enquireLinkIntervalMs?: number;
  /** How long the SMSC may take to answer before the connection counts as dead. Default 10 s. */
  readonly responseTimeoutMs?: number;
}

/** Received parts held while no listener is registered yet (those from the SMSC's store arrive right after the bind). */
const MAX_PARTS_WITHOUT_LISTENER = 64;

/** The message type bits of esm_class (SMPP 3.4 §5.2.12): 0 for a message, 0x04 for a delivery receipt. */
const MESSAGE_TYPE_MASK = 0x3c;

interface HeldPart {
  readonly from: PhoneNumber;
  readonly part: SmsPart;
  readonly answer: (status: number) => void;
}

/**
 * SMS over an SMPP 3.4 account, bound as a transceiver: a part is one submit_sm (data coding
 * 0 for GSM 7-bit text, 0x04 for 8-bit data, with the UDHI flag when it has a header), a
 * received deliver_sm one part, answered once the listener took it. Delivery receipts are
 * asked for and handed to their own listener. Held parts aside, nothing here grows with
 * what the network sends.
 */
export class SmppCarrier implements SmsCarrier {
  private partListener: SmsPartListener | undefined;
  private receiptListener: ((receipt: DeliveryReceipt) => void) | undefined;
  private readonly held: HeldPart[] = [];
  private readonly closing = new AbortController();
  private readonly link: SmppLink;
  private readonly bindWaitMs: number;
  private readonly maxAttempts: number;
  private readonly throttleBackoff: BackoffPolicy;

  private constructor(
    private readonly ownNumber: PhoneNumber,
    options: SmppCarrierOptions,
  ) {
    this.bindWaitMs = options.bindWaitMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.throttleBackoff = options.throttleBackoff ?? { initialMs: 100, maxMs: 5_000 };
    this.link = new SmppLink(
      {
        ...parseSmppUrl(options.url),
        address: smppAddress(ownNumber),
        enquireLinkIntervalMs: options.enquireLinkIntervalMs ?? 30_000,
        responseTimeoutMs: options.responseTimeoutMs ?? 10_000,
        reconnectBackoff: options.reconnectBackoff ?? { initialMs: 250, maxMs: 30_000 },
      },
      (pdu) => this.onDeliver(pdu),
    );
  }

  /** A carrier bound to the SMSC; rejects when the first bind fails (BIND_REFUSED or UNAVAILABLE). */
  static async connect(options: SmppCarrierOptions): Promise<SmppCarrier> {
    if (!isPhoneNumber(options.ownNumber))
      throw new SmsCarrierError(
        SmsCarrierErrorCode.InvalidConfig,
        `own number "${options.ownNumber}" is not in E.164 form (+ and up to 15 digits)`,
      );
    const carrier = new SmppCarrier(options.ownNumber, options);
    await carrier.link.open();
    return carrier;
  }

  async send(to: PhoneNumber, parts: readonly SmsPart[]): Promise<void> {
    // Every part is checked before the first goes, so a bad one never leaves a message half sent.
    const fields = parts.map((part, index) => this.submitFields(to, part, index));
    for (const field of fields) await this.submitFieldsOf(to, field);
  }

  /** Sends one part; resolves with the message ID the SMSC gave it, the one its delivery receipt names. */
  submit(to: PhoneNumber, part: SmsPart): Promise<string> {
    return this.submitFieldsOf(to, this.submitFields(to, part, 0));
  }

  onPart(listener: SmsPartListener): void {
    this.partListener = listener;
    for (const { from, part, answer } of this.held.splice(0)) void this.handOver(from, part).then(answer);
  }

  /** Registers the one listener of delivery receipts; without one they are answered and dropped. */
  onReceipt(listener: (receipt: DeliveryReceipt) => void): void {
    this.receiptListener = listener;
  }

  async close(): Promise<void> {
    this.closing.abort();
    for (const { answer } of this.held.splice(0)) answer(SmppStatus.TemporaryAppError);
    await this.link.close();
  }

  private submitFields(to: PhoneNumber, part: SmsPart, index: number): SmppPduFields {
    if (!isPhoneNumber(to))
      throw new SmsCarrierError(SmsCarrierErrorCode.InvalidNumber, `recipient "${to}" is not in E.164 form (+ and up to 15 digits)`);
    const invalid = (reason: string) => new SmsCarrierError(SmsCarrierErrorCode.InvalidPart, `part ${index + 1} to ${to} ${reason}`);
    let body: Uint8Array;
    if (part.body.coding === 'gsm7') {
      const octets = gsm7Octets(part.body.text);
      if (octets === undefined) throw invalid('has text outside the GSM 03.38 default alphabet and its extension table');
      body = octets;
    } else {
      body = part.body.bytes;
    }
    const shortMessage = shortMessageField({ udh: part.udh, body });
    if (shortMessage.length > MAX_SHORT_MESSAGE_OCTETS)
      throw invalid(`is ${shortMessage.length} octets with its header, over SMPP's ${MAX_SHORT_MESSAGE_OCTETS}`);
    return {
      source_addr_ton: INTERNATIONAL_TON,
      source_addr_npi: ISDN_NPI,
      source_addr: smppAddress(this.ownNumber),
      dest_addr_ton: INTERNATIONAL_TON,
      dest_addr_npi: ISDN_NPI,
      destination_addr: smppAddress(to),
      esm_class: part.udh === undefined ? 0 : EsmClass.UdhIndicator,
      // Final delivery receipt, on success or failure (SMPP 3.4 §5.2.17).
      registered_delivery: 0x01,
      data_coding: part.body.coding === 'gsm7' ? DataCoding.Gsm7 : DataCoding.Binary,
      short_message: shortMessage,
    };
  }

  private async submitFieldsOf(to: PhoneNumber, fields: SmppPduFields): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const session = await this.link.whenBound(this.bindWaitMs);
      let response: SmppPdu;
      try {
        response = await this.link.request(session, 'submit_sm', fields);
      } catch (error) {
        // Dropped mid-request: the SMSC may or may not hold the part, so it goes again after the rebind.
        if (error instanceof SmsCarrierError && error.code === SmsCarrierErrorCode.Unavailable && attempt < this.maxAttempts) continue;
        throw error;
      }
      if (response.command_status === SmppStatus.Ok) return response.message_id ?? '';
      if (response.command_status !== SmppStatus.Throttled)
        throw new SmsCarrierError(
          SmsCarrierErrorCode.SendRejected,
          `the SMSC refused a part to ${to}: ${commandStatusName(response.command_status)}`,
        );
      if (attempt >= this.maxAttempts)
        throw new SmsCarrierError(
          SmsCarrierErrorCode.Throttled,
          `the SMSC still answered ${commandStatusName(SmppStatus.Throttled)} to a part to ${to} after ${attempt} tries`,
        );
      await this.pause(backoffDelay(this.throttleBackoff, attempt - 1));
    }
  }

  private async pause(ms: number): Promise<void> {
    try {
      await wait(ms, undefined, { signal: this.closing.signal });
    } catch (error) {
      throw new SmsCarrierError(SmsCarrierErrorCode.Closed, 'the SMPP carrier was closed while a part waited to be sent again', {
        cause: error,
      });
    }
  }

  private onDeliver(pdu: SmppPdu): number | Promise<number> {
    const from = phoneNumberOf(pdu.source_addr, pdu.source_addr_ton);
    if (from === undefined) return SmppStatus.InvalidSourceAddress;
    const octets = shortMessageOctets(pdu);
    const body = octets.body;
    const udh = octets.udh === undefined ? undefined : Uint8Array.from(octets.udh);
    if (((pdu.esm_class ?? 0) & MESSAGE_TYPE_MASK) === EsmClass.DeliveryReceipt) {
      this.onReceiptText(from, pdu.receipted_message_id, gsm7Text(body));
      return SmppStatus.Ok;
    }
    let part: SmsPart;
    if (pdu.data_coding === DataCoding.Gsm7) part = { udh, body: { coding: 'gsm7', text: gsm7Text(body) } };
    else if (pdu.data_coding === DataCoding.Binary) part = { udh, body: { coding: 'binary', bytes: Uint8Array.from(body) } };
    else return SmppStatus.InvalidDataCoding;
    if (this.partListener !== undefined) return this.handOver(from, part);
    if (this.held.length >= MAX_PARTS_WITHOUT_LISTENER) return SmppStatus.TemporaryAppError;
    return new Promise((answer) => this.held.push({ from, part, answer }));
  }

  /** Answered once the listener has the part safe; a temporary error when it failed, for the SMSC to try again. */
  private async handOver(from: PhoneNumber, part: SmsPart): Promise<number> {
    try {
      await this.partListener?.(from, part);
      return SmppStatus.Ok;
    } catch {
      return SmppStatus.TemporaryAppError;
    }
  }

  private onReceiptText(recipient: PhoneNumber, receiptedId: string | undefined, text: string) {
    const read = readReceiptText(text);
    if (read === undefined) return;
    this.receiptListener?.({ messageId: receiptedId ?? read.messageId, recipient, state: read.state });
  }
}
