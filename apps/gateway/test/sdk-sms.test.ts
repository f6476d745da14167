import { publicKeyFromAccountId } from '@coming/identity';
import { sms } from '@coming/proto';
import {
  ConcatenationReferences,
  decodeSmsMessage,
  encodeSmsMessage,
  type PhoneNumber,
  type SmsCarrier,
  type SmsPart,
  SmsReassembler,
  splitIntoParts,
} from '@coming/sms';
import { nextQueueEmpty, startTestStack, type TestStack } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OutageSteps, SharedOutage } from './shared-outage';
import { httpNetwork, modemNetwork, smppNetwork, type SmppNetwork } from './sms-networks';
import { longText, SmsScenario } from './sms-scenario';

const ALICE_PHONE = '+15550001';
const BOB_PHONE = '+15550002';
const CAROL_PHONE = '+15550003';
const DAVE_PHONE = '+15550004';
const MALLORY_PHONE = '+15550666';

/**
 * Mallory's phone: hands on what her client sends, with the source account swapped for
 * another's, as anyone can do over SMS (an SMS names its sender only by its own claim).
 */
class ForgingCarrier implements SmsCarrier {
  private readonly reassembler = new SmsReassembler();
  private readonly references = new ConcatenationReferences();

  constructor(
    private readonly phone: SmsCarrier,
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

/**
 * The shorter run, for the modem and the HTTP gateway: a message each way over the
 * WebSocket, a long one (several parts) and a short 8-bit one over SMS while the stack is
 * down, one more each way over the WebSocket once it is back.
 */
async function shortRun(scenario: SmsScenario, outage: OutageSteps, [alicePhone, bobPhone]: [PhoneNumber, PhoneNumber]): Promise<void> {
  const [alice, bob] = await Promise.all([scenario.person(alicePhone), scenario.person(bobPhone, { mode: 'binary' })]);
  await scenario.say(alice, bob, 'hello Bob, over the server', 'websocket');
  await scenario.say(bob, alice, 'hello Alice, over the server', 'websocket');
  await scenario.routeEachOther(alice, bob);
  const sessionsBefore = [await scenario.session(alice, bob), await scenario.session(bob, alice)];
  expect(sessionsBefore.every((session) => session !== undefined)).toBe(true);

  const closed = scenario.connectionsClosed([alice, bob]);
  await outage.down();
  await closed;
  const reports = [
    await scenario.say(alice, bob, longText('Alice to Bob by SMS'), 'sms'),
    await scenario.say(bob, alice, 'Bob to Alice by SMS, in 8-bit parts', 'sms'),
  ];
  for (const report of reports) expect(report).toEqual({ outcomes: [], sms: [{ deviceId: 1, outcome: 'sms' }], queuedForServer: [1] });

  const reconnected = [alice, bob].map(({ client }) => nextQueueEmpty(client));
  await outage.up();
  await Promise.all(reconnected);
  await scenario.serverCaughtUp();
  await scenario.say(alice, bob, 'back on the server, Bob', 'websocket');
  await scenario.say(bob, alice, 'so I see, Alice', 'websocket');

  scenario.expectExactLists();
  expect([await scenario.session(alice, bob), await scenario.session(bob, alice)]).toEqual(sessionsBefore);
  const partsFrom = (phone: PhoneNumber) => scenario.network.crossed().filter(({ from }) => from === phone).length;
  expect(partsFrom(alicePhone)).toBeGreaterThanOrEqual(3);
  expect(partsFrom(bobPhone)).toBeGreaterThanOrEqual(1);
  scenario.expectNoPlaintext();
}

// The acceptance run: people on the scaled stack, each with a phone on a simulated
// SMS network (a local SMSC, GSM modems on pseudo-terminals, an HTTP gateway); the whole
// stack stopped and started again under them, once for the three runs, which go side by
// side and are each checked on their own.
describe('SMS as a second carrier of the same Signal sessions, on the scaled stack, over SMPP, a GSM modem and an HTTP gateway', () => {
  let stack: TestStack;
  let outage: SharedOutage;
  let smpp: SmsScenario<SmppNetwork>;
  let modem: SmsScenario;
  let http: SmsScenario;

  beforeAll(async (suite) => {
    stack = await startTestStack('sdk-sms');
    // Each test that runs joins the outage; one left out by a name filter must not be waited for.
    outage = new SharedOutage(stack, suite.tasks.filter(({ mode }) => mode === 'run').length);
    smpp = new SmsScenario(stack, await smppNetwork());
    modem = new SmsScenario(stack, modemNetwork());
    http = new SmsScenario(stack, await httpNetwork());
  }, 300_000);

  afterAll(async () => {
    await Promise.all([smpp, modem, http].map((scenario) => scenario?.close()));
    await stack?.release();
  });

  it.concurrent(
    'over SMPP: keeps Alice and Bob talking by SMS while the whole stack is down, then back on the WebSocket: nothing lost or doubled, the same sessions, no plaintext at the SMSC',
    () =>
      outage.join(async ({ down, up }) => {
        // Dave's phone sends 8-bit data parts; the others GSM-safe text.
        const [alice, bob, carol, dave] = await Promise.all([
          smpp.person(ALICE_PHONE),
          smpp.person(BOB_PHONE),
          smpp.person(CAROL_PHONE),
          smpp.person(DAVE_PHONE, { mode: 'binary' }),
        ]);
        const mallory = await smpp.person(MALLORY_PHONE, {
          wrap: (phone) => new ForgingCarrier(phone, publicKeyFromAccountId(bob.client.accountId)),
        });

        // 1. Over the WebSocket; then each sets the other's phone. Sessions exist, so no bundle is fetched for them.
        await smpp.say(alice, bob, 'hello Bob, over the server', 'websocket');
        await smpp.say(bob, alice, 'hello Alice, over the server', 'websocket');
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
        const sessionsBefore = [await smpp.session(alice, bob), await smpp.session(bob, alice)];
        const bobIdentityAtAlice = (await alice.store.load())?.signal?.identities[bob.client.accountId];
        expect(sessionsBefore.every((session) => session !== undefined)).toBe(true);

        // 2. The whole stack goes.
        const closed = smpp.connectionsClosed([alice, bob]);
        await down();
        await closed;

        // 3. By SMS both ways, each message many parts, each also kept for the server.
        const smsReports = [];
        for (const round of [1, 2]) {
          smsReports.push(await smpp.say(alice, bob, longText(`Alice to Bob by SMS, round ${round}`), 'sms'));
          smsReports.push(await smpp.say(bob, alice, longText(`Bob to Alice by SMS, round ${round}`), 'sms'));
        }
        for (const report of smsReports)
          expect(report).toEqual({ outcomes: [], sms: [{ deviceId: 1, outcome: 'sms' }], queuedForServer: [1] });
        // A first contact: Carol starts the session from Dave's cached bundle, her PreKey message going by SMS alone.
        await smpp.say(carol, dave, longText('Carol to Dave, a first contact by SMS'), 'sms');
        await smpp.say(dave, carol, longText('Dave to Carol, the reply by SMS'), 'sms');
        // Mallory sends a PreKey message of her own session, claiming Bob's account: it decrypts, fails Bob's signature, and is undone.
        const forgery = 'it is me, Bob, from a new phone';
        const warned = new Promise((resolve) => alice.client.onError(resolve));
        await mallory.client.send(alice.client.accountId, forgery);
        await warned;
        expect(alice.errors.map((error) => error.message)).toEqual([expect.stringContaining(`a message from ${bob.client.accountId}`)]);
        expect((await alice.store.load())?.signal?.identities[bob.client.accountId]).toBe(bobIdentityAtAlice);
        // Alice's session with Bob is still Bob's: he reads her next message.
        await smpp.say(alice, bob, longText('Alice to Bob by SMS, after the forgery'), 'sms');

        // 4. The stack comes back: the copies kept for it go, the recipients drop them as seen, and talk returns to the WebSocket.
        const reconnected = [alice, bob, carol, dave].map(({ client }) => nextQueueEmpty(client));
        await up();
        await Promise.all(reconnected);
        await smpp.serverCaughtUp();
        await smpp.say(alice, bob, 'back on the server, Bob', 'websocket');
        await smpp.say(bob, alice, 'so I see, Alice', 'websocket');
        await smpp.say(carol, dave, 'and us too, Dave', 'websocket');

        // Mallory's list is checked too: she was sent nothing and shown nothing.
        smpp.expectExactLists();
        expect([await smpp.session(alice, bob), await smpp.session(bob, alice)]).toEqual(sessionsBefore);

        const log = smpp.network.smsc.log().filter(({ kind }) => kind === 'message');
        expect(log.length).toBeGreaterThanOrEqual(6 * 3);
        // The part counts in the README come from this line.
        console.log(
          JSON.stringify(log.map(({ from, to, udhHex, dataCoding, bodyHex }) => [from, to, udhHex, dataCoding, bodyHex.length / 2])),
        );
        smpp.expectNoPlaintext([forgery]);
      }),
    600_000,
  );

  it.concurrent(
    'over a GSM modem in PDU mode, shorter: the same sessions carried by SMS through the outage and back, no plaintext on the GSM network',
    () => outage.join((steps) => shortRun(modem, steps, ['+15550101', '+15550102'])),
    600_000,
  );

  it.concurrent(
    'over an HTTP SMS gateway, shorter: the same sessions carried by SMS through the outage and back, no plaintext at the gateway',
    () => outage.join((steps) => shortRun(http, steps, ['+15550201', '+15550202'])),
    600_000,
  );
});
