import type { messaging } from '@coming/proto';
import type { StateKeeper } from '../state-keeper';
import type { Incoming } from './incoming-content';

// Enough to cover any redelivery window; older entries are forgotten first.
const MAX_SEEN = 20_000;

export interface InboxOutput {
  /** False when the application takes no more messages for now: they stay on the server. */
  accepting(): boolean;
  /** Decrypts and reads an envelope; undefined for a replay of one already read. */
  open(envelope: messaging.Envelope): Promise<Incoming | undefined>;
  deliver(incoming: Incoming): void;
  /** An envelope that can never be read; it is acknowledged so it does not block the rest. */
  reject(envelope: messaging.Envelope, error: unknown): void;
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
 */
export class Inbox {
  private readonly seen: Set<string>;
  private batch: messaging.Envelope[] = [];
  /** Envelopes left while the application took no more; offered again when it does. */
  private held: messaging.Envelope[] = [];
  private processing: Promise<void> = Promise.resolve();
  private halted = false;

  constructor(
    private readonly keeper: StateKeeper,
    private readonly output: InboxOutput,
  ) {
    this.seen = new Set(keeper.state.seen);
  }

  /** Collects envelopes arriving in one burst and handles them together. */
  receive(envelope: messaging.Envelope): void {
    if (this.halted) return;
    this.batch.push(envelope);
    if (this.batch.length === 1) setImmediate(() => this.flush());
  }

  /** Offers held envelopes again, after the application started taking messages. */
  resume(): void {
    const held = this.held;
    this.held = [];
    for (const envelope of held) this.receive(envelope);
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

  private async process(envelopes: messaging.Envelope[]): Promise<void> {
    if (this.halted) return;
    const handled: messaging.Envelope[] = [];
    for (const envelope of envelopes) {
      const keys = keysOf(envelope);
      if (!keys.some((key) => this.seen.has(key))) {
        if (!this.output.accepting()) {
          this.held.push(envelope);
          continue;
        }
        const incoming = await this.output.open(envelope).catch((error: unknown) => {
          this.output.reject(envelope, error);
          return undefined;
        });
        for (const key of keys) this.seen.add(key);
        if (incoming !== undefined) this.output.deliver(incoming);
      }
      handled.push(envelope);
    }
    this.keeper.state.seen = [...this.seen].slice(-MAX_SEEN);
    try {
      await this.keeper.save();
    } catch (error) {
      this.halted = true;
      this.held = [];
      this.output.halt(error);
      return;
    }
    await this.output.acknowledge(handled.map((envelope) => envelope.serverGuid));
  }
}

function keysOf(envelope: messaging.Envelope): string[] {
  const messageId = Buffer.from(envelope.clientMessageId).toString('hex');
  return [
    `guid:${Buffer.from(envelope.serverGuid).toString('hex')}`,
    `message:${envelope.sourceAccount}.${envelope.sourceDevice}.${messageId}`,
  ];
}
