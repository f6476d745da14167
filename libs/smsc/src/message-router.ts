import { DataCoding, type DeliveryState, EsmClass, MESSAGE_STATE, type PhoneNumber, receiptText, SmppStatus } from '@coming/sms';
import type { HeldMessage, HoldOutcome, MessageStore } from './message-store';
import type { SmscLog } from './smsc-log';

/** A bound session that takes messages for its number. */
export interface Recipient {
  readonly number: PhoneNumber;
  /** False while as many deliveries as it may have unanswered are out. */
  canTakeMore(): boolean;
  /** Sends a deliver_sm; resolves with the status it was answered with, rejects when the connection ends first. */
  deliver(message: HeldMessage): Promise<number>;
}

/** What the SMSC counted since it started. */
export interface SmscStats {
  /** submit_sm answered ESME_RTHROTTLED. */
  throttled: number;
  /** submit_sm answered ESME_RMSGQFUL: a queue or the store was full. */
  queueFull: number;
  /** Messages and receipts their recipient took. */
  delivered: number;
  /** Messages their recipient refused for good. */
  undeliverable: number;
  /** Deliveries their recipient refused for now (ESME_RX_T_APPN, a full queue, throttled): the message waits for its next bind. */
  deferred: number;
  /** Receipts dropped because their recipient's queue was full. */
  receiptsDropped: number;
}

export type NewMessage = Omit<HeldMessage, 'id' | 'kind' | 'submittedAt' | 'inFlight' | 'deferred' | 'receipted'>;

// Answers that mean "not now": the message waits for the recipient's next bind.
const TEMPORARY_REFUSALS = new Set<number>([SmppStatus.TemporaryAppError, SmppStatus.MessageQueueFull, SmppStatus.Throttled]);

/**
 * Routes each held message to a session bound for its recipient's number, in order, as many
 * at a time as the session's window allows; answers a delivered (or refused) message with a
 * receipt when its sender asked for one.
 */
export class MessageRouter {
  private readonly recipients = new Map<PhoneNumber, Set<Recipient>>();
  private lastId = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly log: SmscLog,
    private readonly stats: SmscStats,
  ) {}

  /** Holds a submitted message and starts its delivery; the message ID when held. */
  submit(message: NewMessage): { outcome: HoldOutcome; messageId: string } {
    const held = this.hold({ ...message, kind: 'message' });
    if (held.outcome !== 'held') this.stats.queueFull += 1;
    return held;
  }

  attach(recipient: Recipient): void {
    const sessions = this.recipients.get(recipient.number) ?? new Set();
    sessions.add(recipient);
    this.recipients.set(recipient.number, sessions);
    this.store.undefer(recipient.number);
    this.pump(recipient.number);
  }

  detach(recipient: Recipient): void {
    const sessions = this.recipients.get(recipient.number);
    sessions?.delete(recipient);
    if (sessions?.size === 0) this.recipients.delete(recipient.number);
  }

  private hold(message: NewMessage & Pick<HeldMessage, 'kind' | 'receipted'>): { outcome: HoldOutcome; messageId: string } {
    this.lastId += 1;
    const messageId = this.lastId.toString(16).padStart(8, '0');
    const held: HeldMessage = { ...message, id: messageId, submittedAt: new Date(), inFlight: false, deferred: false };
    const outcome = this.store.hold(held);
    if (outcome !== 'held') return { outcome, messageId };
    const udhLength = message.esmClass & EsmClass.UdhIndicator ? 1 + (message.shortMessage[0] ?? 0) : 0;
    this.log.add({
      kind: message.kind,
      messageId,
      from: message.from,
      to: message.to,
      esmClass: message.esmClass,
      dataCoding: message.dataCoding,
      udhHex: message.shortMessage.subarray(1, udhLength).toString('hex'),
      bodyHex: message.shortMessage.subarray(udhLength).toString('hex'),
    });
    this.pump(message.to);
    return { outcome, messageId };
  }

  private pump(to: PhoneNumber) {
    const sessions = [...(this.recipients.get(to) ?? [])];
    for (const message of this.store.ready(to)) {
      const session = sessions.find((candidate) => candidate.canTakeMore());
      if (session === undefined) return;
      message.inFlight = true;
      session.deliver(message).then(
        (status) => this.settle(message, status),
        () => {
          // The connection ended before the answer: the message goes again on a session for its number.
          message.inFlight = false;
          this.pump(to);
        },
      );
    }
  }

  private settle(message: HeldMessage, status: number) {
    message.inFlight = false;
    if (TEMPORARY_REFUSALS.has(status)) {
      message.deferred = true;
      this.stats.deferred += 1;
    } else {
      this.store.remove(message);
      if (status === SmppStatus.Ok) this.stats.delivered += 1;
      else this.stats.undeliverable += 1;
      if (message.kind === 'message') this.receipt(message, status === SmppStatus.Ok ? 'DELIVRD' : 'UNDELIV');
    }
    this.pump(message.to);
  }

  /** registered_delivery bits 1-0 (SMPP 3.4 §5.2.17): 01 a receipt either way, 10 on failure only; 11 (SMPP 5.0) on success only. */
  private receipt(message: HeldMessage, state: DeliveryState) {
    const asked = message.registeredDelivery & 0x03;
    const wanted = state === 'DELIVRD' ? asked === 0x01 || asked === 0x03 : asked === 0x01 || asked === 0x02;
    if (!wanted) return;
    const { outcome } = this.hold({
      kind: 'receipt',
      from: message.to,
      to: message.from,
      esmClass: EsmClass.DeliveryReceipt,
      dataCoding: DataCoding.Gsm7,
      // The receipt text is ASCII letters, digits, spaces and colons, the same octets in the GSM default alphabet.
      shortMessage: Buffer.from(receiptText(message.id, state, message.submittedAt, new Date()), 'ascii'),
      registeredDelivery: 0,
      receipted: { messageId: message.id, state: MESSAGE_STATE[state] },
    });
    if (outcome !== 'held') this.stats.receiptsDropped += 1;
  }
}
