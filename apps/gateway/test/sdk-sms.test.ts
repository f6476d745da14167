import { ComingClient, MemoryClientStore, type ReceivedMessage, type SendReport } from '@coming/client';
import { publicKeyFromAccountId } from '@coming/identity';
import { sms } from '@coming/proto';
import { deserializeSessionRecord } from '@coming/signal';
import {
  ConcatenationReferences,
  decodeSmsMessage,
  encodeSmsMessage,
  gsm7Octets,
  gsm7Text,
  type PhoneNumber,
  SmppCarrier,
  type SmsCarrier,
  type SmsMessageMode,
  type SmsPart,
  SmsReassembler,
  splitIntoParts,
} from '@coming/sms';
import { type Smsc, startSmsc } from '@coming/smsc';
import { eventually, nextQueueEmpty, startTestStack, type TestStack } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ALICE_PHONE = '+15550001';
const BOB_PHONE = '+15550002';
const CAROL_PHONE = '+15550003';
const DAVE_PHONE = '+15550004';
const MALLORY_PHONE = '+15550666';
/** Short, so that `auto` turns to SMS soon after the stack is gone; the test waits for events, never for this. */
const OUTAGE_MS = 300;

interface Person {
  client: ComingClient;
  store: MemoryClientStore;
  carrier: SmsCarrier;
  received: ReceivedMessage[];
  errors: Error[];
}

/** A long text (several SMS parts once encrypted), in GSM 7-bit characters so that any GSM form of it can be searched for. */
const longText = (label: string) =>
  `${label}: ${'we keep talking while the server is down, still end to end encrypted. '.repeat(7)}`.slice(0, 500);

/**
 * Mallory's phone: hands on what her client sends, with the source account swapped for
 * another's, as anyone can do over SMS (an SMS names its sender only by its own claim).
 */
class ForgingCarrier implements SmsCarrier {
  private readonly reassembler = new SmsReassembler();
  private readonly references = new ConcatenationReferences();

  constructor(
    private readonly phone: SmppCarrier,
    private readonly claimedAccountKey: Uint8Array,
  ) {}

  async send(to: PhoneNumber, parts: readonly SmsPart[]): Promise<void> {
    const whole = parts.map((part) => this.reassembler.accept(MALLORY_PHONE, part)).find((message) => message !== undefined);
    const decoded = whole && decodeSmsMessage(whole.body);
    if (decoded?.kind !== 'coming') throw new Error('Mallory meant to forge a Coming SMS');
    const forged = sms.SmsEnvelope.encode({
      ...sms.SmsEnvelope.decode(decoded.bytes),
      sourceAccountKey: this.claimedAccountKey,
      sourceDevice: 1,
    });
    await this.phone.send(to, splitIntoParts(encodeSmsMessage(forged.finish()), { reference: this.references.take(to) }));
  }

  onPart(listener: (from: PhoneNumber, part: SmsPart) => void): void {
    this.phone.onPart(listener);
  }

  close(): Promise<void> {
    return this.phone.close();
  }
}

// The acceptance run: Alice and Bob on the scaled stack, each with a phone on a
// local SMSC; the whole stack stopped and started again under them.
describe('SMS as a second carrier of the same Signal sessions, on the scaled stack and a local SMSC', () => {
  let stack: TestStack;
  let smsc: Smsc;
  const people: Person[] = [];

  const connectPhone = (number: string) => SmppCarrier.connect({ url: smsc.url.replace('smpp://', 'smpp://esme:x@'), ownNumber: number });

  const person = async (
    phone: string,
    { wrap = (carrier) => carrier, mode = 'text' }: { wrap?: (carrier: SmppCarrier) => SmsCarrier; mode?: SmsMessageMode } = {},
  ): Promise<Person> => {
    const store = new MemoryClientStore();
    const carrier = wrap(await connectPhone(phone));
    const client = await ComingClient.create({
      store,
      server: stack.gatewayUrl(0),
      sms: { carrier, ownNumber: phone, outageMs: OUTAGE_MS, mode },
    });
    const received: ReceivedMessage[] = [];
    const errors: Error[] = [];
    client.onMessage((message) => received.push(message));
    client.onError((error) => errors.push(error));
    await client.register();
    const created = { client, store, carrier, received, errors };
    people.push(created);
    return created;
  };

  /** Resolves with the message once `to` shows one with `text`. */
  const shown = async (to: Person, text: string): Promise<ReceivedMessage> => {
    await eventually(() => to.received.some((message) => message.text === text), `a message "${text.slice(0, 30)}…"`);
    return to.received.find((message) => message.text === text)!;
  };

  const services = () => [stack.auth, stack.mailbox, stack.keys, stack.payments, ...stack.gateways];
  const sessionBaseKey = async ({ store }: Person, contact: Person) => {
    const state = await store.load();
    const record = state?.signal?.sessions[`${contact.client.accountId}.1`];
    if (record === undefined) return undefined;
    const session = deserializeSessionRecord(Buffer.from(record, 'base64'));
    return { baseKey: Buffer.from(session.currentState!.baseKey).toString('hex'), archived: session.previousStates.length };
  };
  const backlog = async ({ store }: Person) => (await store.load())?.serverBacklog?.length ?? 0;

  beforeAll(async () => {
    smsc = await startSmsc({ accounts: 'open' });
    stack = await startTestStack('sdk-sms');
  }, 300_000);

  afterAll(async () => {
    await Promise.all(people.map(({ client }) => client.close()));
    await Promise.all(people.map(({ carrier }) => carrier.close()));
    await stack?.release();
    await smsc?.stop();
  });

  it('keeps Alice and Bob talking by SMS while the whole stack is down, then back on the WebSocket: nothing lost or doubled, the same sessions, no plaintext at the SMSC', async () => {
    // Dave's phone sends 8-bit data parts; the others GSM-safe text.
    const [alice, bob, carol, dave] = await Promise.all([
      person(ALICE_PHONE),
      person(BOB_PHONE),
      person(CAROL_PHONE),
      person(DAVE_PHONE, { mode: 'binary' }),
    ]);
    const mallory = await person(MALLORY_PHONE, {
      wrap: (phone) => new ForgingCarrier(phone, publicKeyFromAccountId(bob.client.accountId)),
    });
    const expected = new Map<Person, { text: string; via: 'websocket' | 'sms' }[]>([
      [alice, []],
      [bob, []],
      [carol, []],
      [dave, []],
    ]);
    const say = async (from: Person, to: Person, text: string, via: 'websocket' | 'sms'): Promise<SendReport> => {
      const report = await from.client.send(to.client.accountId, text);
      expect((await shown(to, text)).via).toBe(via);
      expect((await shown(to, text)).from).toBe(from.client.accountId);
      expected.get(to)!.push({ text, via });
      return report;
    };

    // 1. Over the WebSocket; then each sets the other's phone. Sessions exist, so no bundle is fetched for them.
    await say(alice, bob, 'hello Bob, over the server', 'websocket');
    await say(bob, alice, 'hello Alice, over the server', 'websocket');
    expect(await alice.client.sms.setRoute(bob.client.accountId, { phone: BOB_PHONE })).toEqual({
      accountId: bob.client.accountId,
      phone: BOB_PHONE,
      device: 1,
      policy: 'auto',
      bundleCached: false,
    });
    await bob.client.sms.setRoute(alice.client.accountId, { phone: ALICE_PHONE });
    // Carol and Dave never wrote to each other: their routes cache each other's bundle, for a first contact by SMS alone.
    expect((await carol.client.sms.setRoute(dave.client.accountId, { phone: DAVE_PHONE })).bundleCached).toBe(true);
    expect((await dave.client.sms.setRoute(carol.client.accountId, { phone: CAROL_PHONE })).bundleCached).toBe(true);
    expect((await mallory.client.sms.setRoute(alice.client.accountId, { phone: ALICE_PHONE })).bundleCached).toBe(true);
    await mallory.client.sms.setPolicy(alice.client.accountId, 'sms');
    const sessionsBefore = [await sessionBaseKey(alice, bob), await sessionBaseKey(bob, alice)];
    const bobIdentityAtAlice = (await alice.store.load())?.signal?.identities[bob.client.accountId];
    expect(sessionsBefore.every((session) => session !== undefined)).toBe(true);

    // 2. The whole stack goes.
    const closed = [alice, bob].map(({ client }) => new Promise((resolve) => client.onConnectionClosed(resolve)));
    await Promise.all(services().map((service) => service.stop()));
    await Promise.all(closed);

    // 3. By SMS both ways, each message many parts, each also kept for the server.
    const smsReports: SendReport[] = [];
    for (const round of [1, 2]) {
      smsReports.push(await say(alice, bob, longText(`Alice to Bob by SMS, round ${round}`), 'sms'));
      smsReports.push(await say(bob, alice, longText(`Bob to Alice by SMS, round ${round}`), 'sms'));
    }
    for (const report of smsReports) expect(report).toEqual({ outcomes: [], sms: [{ deviceId: 1, outcome: 'sms' }], queuedForServer: [1] });
    // A first contact: Carol starts the session from Dave's cached bundle, her PreKey message going by SMS alone.
    await say(carol, dave, longText('Carol to Dave, a first contact by SMS'), 'sms');
    await say(dave, carol, longText('Dave to Carol, the reply by SMS'), 'sms');
    // Mallory sends a PreKey message of her own session, claiming Bob's account: it decrypts, fails Bob's signature, and is undone.
    const warned = eventually(() => alice.errors.length > 0, 'a warning about the forged SMS');
    await mallory.client.send(alice.client.accountId, 'it is me, Bob, from a new phone');
    await warned;
    expect(alice.errors.map((error) => error.message)).toEqual([expect.stringContaining(`a message from ${bob.client.accountId}`)]);
    expect((await alice.store.load())?.signal?.identities[bob.client.accountId]).toBe(bobIdentityAtAlice);
    // Alice's session with Bob is still Bob's: he reads her next message.
    await say(alice, bob, longText('Alice to Bob by SMS, after the forgery'), 'sms');

    // 4. The stack comes back: the copies kept for it go, the recipients drop them as seen, and talk returns to the WebSocket.
    const reconnected = [alice, bob, carol, dave].map(({ client }) => nextQueueEmpty(client));
    await Promise.all([stack.auth, stack.mailbox, stack.keys, stack.payments].map((service) => service.start()));
    await Promise.all(stack.gateways.map((gateway) => gateway.start()));
    await Promise.all(reconnected);
    for (const sender of [alice, bob, carol, dave])
      await eventually(async () => (await backlog(sender)) === 0, 'the kept copies to reach the server');
    // Every copy the server took reached its device and was acknowledged: the lists below saw the server's copies too.
    await eventually(
      async () => (await stack.query<{ count: string }>('SELECT count(*) FROM envelopes'))[0]?.count === '0',
      'the mailbox to be empty',
    );
    await say(alice, bob, 'back on the server, Bob', 'websocket');
    await say(bob, alice, 'so I see, Alice', 'websocket');
    await say(carol, dave, 'and us too, Dave', 'websocket');

    for (const [receiver, messages] of expected) expect(receiver.received.map(({ text, via }) => ({ text, via }))).toEqual(messages);
    expect([await sessionBaseKey(alice, bob), await sessionBaseKey(bob, alice)]).toEqual(sessionsBefore);
    expect(mallory.received).toEqual([]);

    // The SMSC saw ciphertext only: no plaintext in any part, as UTF-8, GSM 7-bit octets, or the text the parts decode to.
    const log = smsc.log().filter(({ kind }) => kind === 'message');
    expect(log.length).toBeGreaterThanOrEqual(6 * 3);
    const bodies = log.map(({ bodyHex }) => Buffer.from(bodyHex, 'hex'));
    console.log(JSON.stringify(log.map(({ from, to, udhHex, dataCoding, bodyHex }) => [from, to, udhHex, dataCoding, bodyHex.length / 2])));
    const texts = bodies.map((body) => gsm7Text(body));
    const plaintexts = [...expected.values()].flat().map(({ text }) => text);
    for (const plaintext of [...plaintexts, 'it is me, Bob, from a new phone']) {
      for (let start = 0; start + 12 <= plaintext.length; start += 40) {
        const window = plaintext.slice(start, start + 12);
        const forms = [Buffer.from(window, 'utf8'), gsm7Octets(window)!, Buffer.from(Buffer.from(window).toString('base64').slice(0, 12))];
        for (const form of forms) expect(bodies.some((body) => body.includes(form))).toBe(false);
        expect(texts.some((text) => text.includes(window))).toBe(false);
      }
    }
  }, 600_000);
});
