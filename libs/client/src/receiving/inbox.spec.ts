import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { messaging } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Carrier } from '../received-message';
import { StateKeeper } from '../state-keeper';
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

/** An inbox whose reader opens every envelope but forged ones, recording what it shows, rejects and acknowledges. */
function inbox(accepting = true) {
  const shown: { id: string; via: Carrier }[] = [];
  const rejected: unknown[] = [];
  const acknowledged: Uint8Array[] = [];
  const keeper = new StateKeeper({ accountId: OWN, recipients: {}, seen: [] }, new MemoryClientStore());
  const under = new Inbox(keeper, {
    accepting: () => accepting,
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
  return { under, shown, rejected, acknowledged };
}

describe(`${Inbox.name} with SMS`, () => {
  it('shows a message that came by SMS and by the server once, and acknowledges only the server copy', async () => {
    const { under, shown, acknowledged } = inbox();
    const id = randomBytes(16);
    const bySms = envelope(id);
    const byServer = { ...bySms, serverGuid: randomBytes(16) };
    under.receive(bySms, 'sms');
    await under.settled();
    under.receive(byServer, 'websocket');
    await under.settled();
    expect(shown).toEqual([{ id: id.toString('hex'), via: 'sms' }]);
    expect(acknowledged).toEqual([byServer.serverGuid]);
  });

  it('lets a forged SMS claiming a message ID spend only its own GUID: the genuine message with that ID is still shown', async () => {
    const { under, shown, rejected } = inbox();
    const id = randomBytes(16);
    under.receive(envelope(id, FORGED), 'sms');
    await under.settled();
    under.receive(envelope(id), 'websocket');
    await under.settled();
    expect(rejected).toHaveLength(1);
    expect(shown).toEqual([{ id: id.toString('hex'), via: 'websocket' }]);
  });

  it('holds at most MAX_HELD_SMS SMS while the application takes none, and says so for the rest', async () => {
    const { under, rejected } = inbox(false);
    for (let index = 0; index <= MAX_HELD_SMS; index += 1) under.receive(envelope(randomBytes(16)), 'sms');
    await under.settled();
    expect(rejected).toEqual([expect.objectContaining({ code: SmsTransportErrorCode.NotTaken })]);
  });
});
