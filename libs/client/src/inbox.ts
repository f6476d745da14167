import { content, type messaging } from '@coming/proto';
import type { ReceivedMessage } from './received-message';
import type { StateKeeper } from './state-keeper';

// Enough to cover any redelivery window; older entries are forgotten first.
const MAX_SEEN = 20_000;

export interface InboxOutput {
  /** Hands a new message to the application; false when it declined it for now. */
  deliver(message: ReceivedMessage): boolean;
  acknowledge(serverGuids: Uint8Array[]): Promise<void>;
}

/**
 * Turns pushed envelopes into messages for the application, each exactly once: drops
 * redeliveries by server GUID and by sender + client message ID, and acknowledges only
 * after the "seen" record is durable, so a crash never loses a message.
 */
export class Inbox {
  private readonly seen: Set<string>;
  private batch: messaging.Envelope[] = [];
  private processing: Promise<void> = Promise.resolve();

  constructor(
    private readonly keeper: StateKeeper,
    private readonly output: InboxOutput,
  ) {
    this.seen = new Set(keeper.state.seen);
  }

  /** Collects envelopes arriving in one burst and handles them together. */
  receive(envelope: messaging.Envelope): void {
    this.batch.push(envelope);
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

  private async process(envelopes: messaging.Envelope[]): Promise<void> {
    // Declined messages stay unacknowledged: the server keeps them for a later session.
    const handled = envelopes.filter((envelope) => {
      const keys = keysOf(envelope);
      if (keys.some((key) => this.seen.has(key))) return true;
      if (!this.output.deliver(toMessage(envelope))) return false;
      for (const key of keys) this.seen.add(key);
      return true;
    });
    this.keeper.state.seen = [...this.seen].slice(-MAX_SEEN);
    await this.keeper.save();
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

function toMessage(envelope: messaging.Envelope): ReceivedMessage {
  return {
    from: envelope.sourceAccount,
    fromDevice: envelope.sourceDevice,
    text: textOf(envelope.content),
    sentAt: envelope.clientTimestampMs,
    receivedAt: envelope.serverTimestampMs,
    serverGuid: Buffer.from(envelope.serverGuid).toString('hex'),
  };
}

/** A message this client cannot read is shown as such rather than blocking the queue behind it. */
function textOf(body: Uint8Array): string {
  try {
    return content.Content.decode(body).text?.text ?? '';
  } catch {
    return '[unreadable message]';
  }
}
