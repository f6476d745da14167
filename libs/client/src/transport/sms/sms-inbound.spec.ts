import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { messaging } from '@coming/proto';
import { encodeSmsMessage, type PhoneNumber, type SmsCarrier, type SmsPart, type SmsPartListener, splitIntoParts } from '@coming/sms';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StateKeeper } from '../../state-keeper';
import type { ClientState } from '../../store/client-store';
import { MemoryClientStore } from '../../store/memory-client-store';
import { encodeSmsEnvelope } from './sms-envelope';
import { SmsInbound } from './sms-inbound';

const SENDER = accountKeyFromMnemonic(createMnemonic()).accountId;
const OWN = accountKeyFromMnemonic(createMnemonic()).accountId;
const PHONE = '+15550001';

/** The network side of a carrier: hands parts to the listener and reports whether each was taken, as a carrier acknowledges. */
class NetworkSide implements SmsCarrier {
  private listener: SmsPartListener | undefined;

  async deliver(from: PhoneNumber, part: SmsPart): Promise<'taken' | 'left'> {
    return Promise.resolve(this.listener?.(from, part)).then(
      () => 'taken',
      () => 'left',
    );
  }

  onPart(listener: SmsPartListener): void {
    this.listener = listener;
  }

  send(): Promise<void> {
    throw new Error('not used here');
  }

  async close(): Promise<void> {}
}

/** A Coming SMS of several parts, and the client message ID it carries. */
function message(): { parts: SmsPart[]; clientMessageId: Buffer } {
  const clientMessageId = randomBytes(16);
  const envelope = encodeSmsEnvelope({
    sourceAccount: SENDER,
    sourceDevice: 1,
    clientMessageId,
    clientTimestampMs: 1,
    message: {
      destinationDevice: 1,
      contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
      content: Buffer.concat([Buffer.of(0x44), randomBytes(400)]),
    },
  });
  return { parts: splitIntoParts(encodeSmsMessage(envelope), { reference: 7 }), clientMessageId };
}

/**
 * A run of a client: its inbound SMS on `store`, the envelopes it delivered (saving the state
 * as the inbox does); the inbox refuses the first `refusals` whole messages.
 */
function run(store: MemoryClientStore, state: ClientState = { accountId: OWN, recipients: {}, seen: [] }, refusals = 0) {
  const keeper = new StateKeeper(state, store);
  const network = new NetworkSide();
  const delivered: messaging.Envelope[] = [];
  let refused = 0;
  const inbound = new SmsInbound(
    network,
    keeper,
    () => ({ accountId: OWN, deviceId: 1 }),
    async (envelope) => {
      if (refused < refusals) {
        refused += 1;
        throw new Error('the application threw on it');
      }
      delivered.push(envelope);
      await keeper.save();
    },
    (error) => {
      throw error;
    },
  );
  inbound.start();
  return { network, delivered, keeper };
}

describe(SmsInbound.name, () => {
  it('keeps the parts of a message still incomplete in the state, so that a restart completes it', async () => {
    const store = new MemoryClientStore();
    const { parts, clientMessageId } = message();
    expect(parts.length).toBeGreaterThanOrEqual(3);

    const first = run(store);
    for (const part of parts.slice(0, -1)) expect(await first.network.deliver(PHONE, part)).toBe('taken');
    expect((await store.load())?.smsParts).toHaveLength(parts.length - 1);
    expect(first.delivered).toEqual([]);

    // The first run ends; the last part arrives at the next.
    const second = run(store, (await store.load())!);
    expect(await second.network.deliver(PHONE, parts.at(-1)!)).toBe('taken');
    expect(second.delivered.map((envelope) => Buffer.from(envelope.clientMessageId))).toEqual([clientMessageId]);
    expect(second.keeper.state.smsParts).toEqual([]);
  });

  it('gives a message the inbox did not take its parts back, so that the next delivery of its last part completes it', async () => {
    const { parts, clientMessageId } = message();
    const { network, delivered } = run(new MemoryClientStore(), undefined, 1);
    for (const part of parts.slice(0, -1)) await network.deliver(PHONE, part);

    expect(await network.deliver(PHONE, parts.at(-1)!)).toBe('left');
    expect(await network.deliver(PHONE, parts.at(-1)!)).toBe('taken');
    expect(delivered.map((envelope) => Buffer.from(envelope.clientMessageId))).toEqual([clientMessageId]);
  });

  it('leaves a part with the network when the state cannot be saved', async () => {
    const store = new MemoryClientStore();
    store.save = () => Promise.reject(new Error('disk full'));
    const { network } = run(store);
    expect(await network.deliver(PHONE, message().parts[0]!)).toBe('left');
  });
});
