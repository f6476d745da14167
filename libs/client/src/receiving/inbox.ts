import { messaging } from '@coming/proto';
import type { Carrier } from '../received-message';
import type { StateKeeper } from '../state-keeper';
import { SmsTransportError, SmsTransportErrorCode } from '../transport/sms/sms-transport.errors';
import type { Incoming } from './incoming-content';

// Enough to cover any redelivery window; older entries are forgotten first.
const MAX_SEEN = 20_000;
/**
 * SMS held while the application takes no messages. The server keeps its own envelopes
 * until acknowledged; an SMS has nowhere else to wait, so past this the newest are dropped.
 */
export const MAX_HELD_SMS = 1_000;

/** An envelope and the carrier that brought it; an SMS's `taken` is told once it is safe (or not). */
interface Arrival {
  envelope: messaging.Envelope;
  via: Carrier;
  taken?: { resolve(): void; reject(error: unknown): void };
}

export interface InboxOutput {
  /** False when the application takes no more messages for now: they stay on the server. */
  accepting(): boolean;
  /** Decrypts and reads an envelope; undefined for a replay of one already read. */
  open(envelope: messaging.Envelope, via: Carrier): Promise<Incoming | undefined>;
  deliver(incoming: Incoming): void;
  /** An envelope that can never be read; it is acknowledged so it does not block the rest. */
  reject(envelope: messaging.Envelope, error: unknown): void;
  /** Tells the server these of its envelopes are safely stored; never called with none. */
  acknowledge(serverGuids: Uint8Array[]): Promise<void>;
  /**
   * The state could not be saved, so nothing received can be acknowledged: the inbox has
   * stopped, and what it did not acknowledge stays on the server.
   */
  halt(error: unknown): void;
}

/**
 * Turns pushed envelopes into messages for the application, each exactly once: drops
 * redeliveries by server GUID and by sender + client message ID, decrypts only what the
 * application takes (decrypting advances the ratchet), and acknowledges only after the
 * state is durable, so a crash never loses a message. A store that cannot save stops the
 * inbox for good, rather than have the server push the same envelopes again and again.
 *
 * Envelopes that came by SMS take the same path and the same dedupe, so a message that
 * came both ways is shown once; they are never acknowledged to the server, which never
 * had them. One that fails to open only spends its own GUID: its sender + message ID is
 * anyone's to claim over SMS, and must not shut out the genuine message. An SMS has no
 * server to wait on: the promise `receiveSms` gives resolves once it is safe in the state
 * (read, or held there while the application takes no messages), and only then does the
 * carrier acknowledge it.
 */
export class Inbox {
  private readonly seen: Set<string>;
  private batch: Arrival[] = [];
  /** Envelopes left while the application took no more; offered again when it does. */
  private held: Arrival[] = [];
  private processing: Promise<void> = Promise.resolve();
  private halted = false;

  constructor(
    private readonly keeper: StateKeeper,
    private readonly output: InboxOutput,
  ) {
    this.seen = new Set(keeper.state.seen);
    // SMS held when the last run ended: offered again once the application takes messages.
    this.held = (keeper.state.heldSms ?? []).map((encoded) => ({
      envelope: messaging.Envelope.decode(Buffer.from(encoded, 'base64')),
      via: 'sms',
    }));
  }

  /** Collects envelopes the server pushes in one burst and handles them together. */
  receive(envelope: messaging.Envelope): void {
    this.arrive({ envelope, via: 'websocket' });
  }

  /** Takes an envelope that came by SMS; resolves once it is safe in the state, rejects when the state cannot be saved. */
  receiveSms(envelope: messaging.Envelope): Promise<void> {
    return new Promise((resolve, reject) => this.arrive({ envelope, via: 'sms', taken: { resolve, reject } }));
  }

  /** Offers held envelopes again, after the application started taking messages. */
  resume(): void {
    const held = this.held;
    this.held = [];
    for (const { envelope, via } of held) this.arrive({ envelope, via });
  }

  private arrive(arrival: Arrival): void {
    if (this.halted) {
      arrival.taken?.reject(new SmsTransportError(SmsTransportErrorCode.NotTaken, 'the inbox stopped: the client state cannot be saved'));
      return;
    }
    this.batch.push(arrival);
    if (this.batch.length === 1) setImmediate(() => this.flush());
  }

  /** Resolves once every envelope received so far is handled and acknowledged. */
  settled(): Promise<void> {
    if (this.batch.length > 0) this.flush();
    return this.processing;
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const envelopes = this.batch;
    this.batch = [];
    this.processing = this.processing
      .then(() => this.process(envelopes))
      .catch(() => {
        // Unacknowledged envelopes come back on the next connection.
      });
  }

  private async process(arrivals: Arrival[]): Promise<void> {
    try {
      await this.handle(arrivals);
    } catch (error) {
      // An application listener that threw, say: an SMS not yet saved is not taken (settled once, so a taken one stays so).
      for (const { taken } of arrivals) taken?.reject(error);
      throw error;
    }
  }

  private async handle(arrivals: Arrival[]): Promise<void> {
    if (this.halted) {
      for (const { taken } of arrivals) taken?.reject(new SmsTransportError(SmsTransportErrorCode.NotTaken, 'the inbox stopped'));
      return;
    }
    const handled: messaging.Envelope[] = [];
    for (const arrival of arrivals) {
      const { envelope, via } = arrival;
      const keys = keysOf(envelope);
      if (!keys.some((key) => this.seen.has(key))) {
        if (!this.output.accepting()) {
          this.hold(arrival);
          continue;
        }
        let opened = true;
        const incoming = await this.output.open(envelope, via).catch((error: unknown) => {
          opened = false;
          this.output.reject(envelope, error);
          return undefined;
        });
        for (const key of opened || via === 'websocket' ? keys : keys.slice(0, 1)) this.seen.add(key);
        if (incoming !== undefined) this.output.deliver(incoming);
      }
      if (via === 'websocket') handled.push(envelope);
    }
    this.keeper.state.seen = [...this.seen].slice(-MAX_SEEN);
    this.keeper.state.heldSms = this.held.filter(({ via }) => via === 'sms').map(({ envelope }) => encoded(envelope));
    try {
      await this.keeper.save();
    } catch (error) {
      this.halted = true;
      this.held = [];
      for (const { taken } of arrivals) taken?.reject(error);
      this.output.halt(error);
      return;
    }
    for (const { taken } of arrivals) taken?.resolve();
    if (handled.length > 0) await this.output.acknowledge(handled.map((envelope) => envelope.serverGuid));
  }

  private hold(arrival: Arrival): void {
    if (arrival.via === 'sms' && this.held.filter(({ via }) => via === 'sms').length >= MAX_HELD_SMS) {
      const error = new SmsTransportError(
        SmsTransportErrorCode.NotTaken,
        `${MAX_HELD_SMS} SMS already wait for the application to take messages; left one from ${arrival.envelope.sourceAccount} with the network`,
      );
      this.output.reject(arrival.envelope, error);
      // Settled once: the resolve after the batch's save does not undo this.
      arrival.taken?.reject(error);
      return;
    }
    this.held.push({ envelope: arrival.envelope, via: arrival.via });
  }
}

function encoded(envelope: messaging.Envelope): string {
  return Buffer.from(messaging.Envelope.encode(envelope).finish()).toString('base64');
}

/** The GUID key first, then the sender + message ID one. */
function keysOf(envelope: messaging.Envelope): string[] {
  const messageId = Buffer.from(envelope.clientMessageId).toString('hex');
  return [
    `guid:${Buffer.from(envelope.serverGuid).toString('hex')}`,
    `message:${envelope.sourceAccount}.${envelope.sourceDevice}.${messageId}`,
  ];
}
