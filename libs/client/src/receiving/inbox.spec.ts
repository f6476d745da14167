import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { messaging } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Carrier } from '../received-message';
import { StateKeeper } from '../state-keeper';
import type { ClientState } from '../store/client-store';
import { MemoryClientStore } from '../store/memory-client-store';
import { SmsTransportErrorCode } from '../transport/sms/sms-transport.errors';
import { Inbox, MAX_HELD_SMS } from './inbox';

const OWN = accountKeyFromMnemonic(createMnemonic()).accountId;
const CONTACT = accountKeyFromMnemonic(createMnemonic()).accountId;
/** A first content byte the reader here cannot open, as a forged ciphertext. */
const FORGED = 0xff;

const envelope = (clientMessageId: Uint8Array, firstByte = 0x44): messaging.Envelope => ({
  serverGuid: randomBytes(16),
  sourceAccount: CONTACT,
  sourceDevice: 1,
  destinationAccount: OWN,
  destinationDevice: 1,
  clientMessageId,
  clientTimestampMs: 1,
  serverTimestampMs: 2,
  contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
  content: Uint8Array.of(firstByte, ...randomBytes(8)),
});

/**
 * An inbox whose reader opens every envelope but forged ones, recording what it shows,
 * rejects and acknowledges; on `store`, as a run of a client that saved its state there.
 */
function inbox(accepting = true, store = new MemoryClientStore(), state: ClientState = { accountId: OWN, recipients: {}, seen: [] }) {
  const shown: { id: string; via: Carrier }[] = [];
  const rejected: unknown[] = [];
  const acknowledged: Uint8Array[] = [];
  const keeper = new StateKeeper(state, store);
  const taking = { now: accepting };
  const under = new Inbox(keeper, {
    accepting: () => taking.now,
    open: async (opened, via) => {
      if (opened.content[0] === FORGED) throw new Error('bad MAC');
      const id = Buffer.from(opened.clientMessageId).toString('hex');
      return { message: { from: CONTACT, fromDevice: 1, text: id, sentAt: 1, receivedAt: 2, serverGuid: id, via } };
    },
    deliver: (incoming) => {
      if ('message' in incoming) shown.push({ id: incoming.message.text, via: incoming.message.via });
    },
    reject: (_, error) => rejected.push(error),
    acknowledge: async (guids) => void acknowledged.push(...guids),
    halt: (error) => rejected.push(error),
  });
  return { under, shown, rejected, acknowledged, taking };
}

describe(`${Inbox.name} with SMS`, () => {
  it('shows a message that came by SMS and by the server once, and acknowledges only the server copy', async () => {
    const { under, shown, acknowledged } = inbox();
    const id = randomBytes(16);
    const bySms = envelope(id);
    const byServer = { ...bySms, serverGuid: randomBytes(16) };
    await under.receiveSms(bySms);
    under.receive(byServer);
    await under.settled();
    expect(shown).toEqual([{ id: id.toString('hex'), via: 'sms' }]);
    expect(acknowledged).toEqual([byServer.serverGuid]);
  });

  it('lets a forged SMS claiming a message ID spend only its own GUID: the genuine message with that ID is still shown', async () => {
    const { under, shown, rejected } = inbox();
    const id = randomBytes(16);
    await under.receiveSms(envelope(id, FORGED));
    under.receive(envelope(id));
    await under.settled();
    expect(rejected).toHaveLength(1);
    expect(shown).toEqual([{ id: id.toString('hex'), via: 'websocket' }]);
  });

  it('holds at most MAX_HELD_SMS SMS while the application takes none, and leaves the rest with the network, saying so', async () => {
    const { under, rejected } = inbox(false);
    const taken = Array.from({ length: MAX_HELD_SMS + 1 }, () =>
      under.receiveSms(envelope(randomBytes(16))).then(
        () => 'taken',
        () => 'left',
      ),
    );
    const outcomes = await Promise.all(taken);
    expect(outcomes.filter((outcome) => outcome === 'left')).toHaveLength(1);
    expect(rejected).toEqual([expect.objectContaining({ code: SmsTransportErrorCode.NotTaken })]);
  });

  it('keeps the SMS it holds in the state: a restart shows them once the application takes messages', async () => {
    const store = new MemoryClientStore();
    const first = inbox(false, store);
    const ids = [randomBytes(16), randomBytes(16)];
    for (const id of ids) await first.under.receiveSms(envelope(id));
    expect(first.shown).toEqual([]);

    // The first run ends without the application ever taking them; the next loads what was saved.
    const second = inbox(false, store, (await store.load())!);
    second.taking.now = true;
    second.under.resume();
    await second.under.settled();
    expect(second.shown).toEqual(ids.map((id) => ({ id: id.toString('hex'), via: 'sms' })));
    expect((await store.load())?.heldSms).toEqual([]);
  });

  it("does not call an SMS taken when the application's listener throws on it", async () => {
    const keeper = new StateKeeper({ accountId: OWN, recipients: {}, seen: [] }, new MemoryClientStore());
    const under = new Inbox(keeper, {
      accepting: () => true,
      open: async () => ({
        message: { from: CONTACT, fromDevice: 1, text: '', sentAt: 1, receivedAt: 2, serverGuid: '', via: 'sms' },
      }),
      deliver: () => {
        throw new Error('the view crashed');
      },
      reject: () => undefined,
      acknowledge: async () => undefined,
      halt: () => undefined,
    });
    await expect(under.receiveSms(envelope(randomBytes(16)))).rejects.toThrow('the view crashed');
  });

  it('does not call an SMS taken when the state cannot be saved', async () => {
    const store = new MemoryClientStore();
    store.save = () => Promise.reject(new Error('disk full'));
    const { under } = inbox(true, store);
    await expect(under.receiveSms(envelope(randomBytes(16)))).rejects.toThrow(/disk full/);
    // Stopped for good: a later SMS is refused at once, so its carrier keeps it too.
    await expect(under.receiveSms(envelope(randomBytes(16)))).rejects.toMatchObject({ code: SmsTransportErrorCode.NotTaken });
  });
});
