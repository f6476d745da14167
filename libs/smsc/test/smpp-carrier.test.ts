import { PartInbox, type Smsc, startSmsc } from '@coming/smsc';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeliveryReceipt,
  SmppCarrier,
  type SmppCarrierOptions,
  SmsCarrierError,
  SmsCarrierErrorCode,
  type SmsPart,
} from '@coming/sms';

const ALICE = '+15550001';
const BOB = '+15550002';
const CAROL = '+15550003';
const ACCOUNTS = [
  { systemId: 'alice', password: 'a-secret', numbers: [ALICE] },
  { systemId: 'bob', password: 'b-secret', numbers: [BOB] },
  { systemId: 'carol', password: 'c-secret', numbers: [CAROL] },
];
// Every character of the GSM 03.38 default alphabet (TS 23.038 §6.2.1) in septet order, ESC (0x1B) left out.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// The extension table's characters, each an ESC pair on the air.
const GSM_EXTENSION = '\f^{}\\[~]|€';

/** A concatenation header (IEI 0x00, 8-bit reference, TS 23.040 §9.2.3.24.1), without UDHL. */
const concatenation = (reference: number, total: number, sequence: number) => Uint8Array.of(0x00, 0x03, reference, total, sequence);
const text = (udh: Uint8Array | undefined, body: string): SmsPart => ({ udh, body: { coding: 'gsm7', text: body } });
const binary = (udh: Uint8Array | undefined, bytes: Uint8Array): SmsPart => ({ udh, body: { coding: 'binary', bytes } });
/** Stands in for ciphertext. */
const random = (length: number) => Uint8Array.from(randomBytes(length));

describe(SmppCarrier.name, () => {
  let smsc: Smsc;
  const open: SmppCarrier[] = [];

  const accountUrl = (name: string, password = ACCOUNTS.find((account) => account.systemId === name)!.password) =>
    smsc.url.replace('smpp://', `smpp://${name}:${password}@`);

  async function connect(name: string, ownNumber: string, options: Partial<SmppCarrierOptions> = {}) {
    const carrier = await SmppCarrier.connect({
      url: accountUrl(name),
      ownNumber,
      throttleBackoff: { initialMs: 5, maxMs: 50 },
      reconnectBackoff: { initialMs: 10, maxMs: 100 },
      ...options,
    });
    open.push(carrier);
    return carrier;
  }

  beforeAll(async () => {
    smsc = await startSmsc({ accounts: ACCOUNTS });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((carrier) => carrier.close()));
  });
  afterAll(async () => {
    await smsc.stop();
  });

  it('carries multi-part GSM 7-bit text and 8-bit data both ways, in the order sent, headers and bodies exact', async () => {
    const alice = await connect('alice', ALICE);
    const bob = await connect('bob', BOB);
    const toBob = new PartInbox(bob);
    const toAlice = new PartInbox(alice);
    // Sent out of order on purpose: the codec reassembles, the carrier only keeps what it was given.
    const textParts = [
      text(concatenation(7, 3, 3), 'third'),
      text(concatenation(7, 3, 1), GSM_BASIC),
      text(concatenation(7, 3, 2), GSM_EXTENSION),
    ];
    const dataParts = [2, 1, 3].map((sequence) => binary(concatenation(9, 3, sequence), random(sequence === 3 ? 20 : 134)));

    await Promise.all([alice.send(BOB, textParts), bob.send(ALICE, dataParts)]);

    expect(await toBob.first(3)).toEqual(textParts.map((part) => ({ from: ALICE, part })));
    expect(await toAlice.first(3)).toEqual(dataParts.map((part) => ({ from: BOB, part })));
  });

  it('carries a part without a header, and every octet value of 8-bit data', async () => {
    const alice = await connect('alice', ALICE);
    const bob = await connect('bob', BOB);
    const toBob = new PartInbox(bob);
    const everyOctet = Uint8Array.from({ length: 140 }, (_, index) => (index * 37 + 255) % 256);
    const parts = [
      text(undefined, 'short one'),
      binary(undefined, everyOctet),
      binary(Uint8Array.of(0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0), everyOctet.subarray(0, 133)),
    ];

    await alice.send(BOB, parts);

    expect(await toBob.first(3)).toEqual(parts.map((part) => ({ from: ALICE, part })));
  });

  it('holds parts for a number nobody has bound and delivers them when it binds', async () => {
    const alice = await connect('alice', ALICE);
    const parts = [1, 2].map((sequence) => binary(concatenation(3, 2, sequence), random(100)));

    await alice.send(CAROL, parts);
    expect(smsc.stats().held).toBe(2);
    const carol = await connect('carol', CAROL);
    const toCarol = new PartInbox(carol);

    expect(await toCarol.first(2)).toEqual(parts.map((part) => ({ from: ALICE, part })));
  });

  it('answers a part only once the listener has it safe: one it fails on stays with the SMSC and comes again at the next bind', async () => {
    const alice = await connect('alice', ALICE);
    const bob = await connect('bob', BOB);
    const part = binary(concatenation(9, 1, 1), random(60));
    bob.onPart(() => Promise.reject(new Error('the client could not save it')));
    const before = smsc.stats();

    await alice.send(BOB, [part]);
    await expect.poll(() => smsc.stats().deferred - before.deferred).toBe(1);
    await bob.close();

    const again = await connect('bob', BOB);
    expect(await new PartInbox(again).first(1)).toEqual([{ from: ALICE, part }]);
  });

  it('reports a delivered part with a receipt naming its message ID, not as a part', async () => {
    const alice = await connect('alice', ALICE);
    const bob = await connect('bob', BOB);
    const toAlice = new PartInbox(alice);
    const toBob = new PartInbox(bob);
    let messageId = '';
    // Receipts for earlier tests' parts may still come: wait for this part's.
    const receipt = new Promise<DeliveryReceipt>((resolve) =>
      alice.onReceipt((received) => {
        if (received.messageId === messageId) resolve(received);
      }),
    );

    messageId = await alice.submit(BOB, text(undefined, 'ping'));

    await toBob.first(1);
    expect(await receipt).toEqual({ messageId, recipient: BOB, state: 'DELIVRD' });
    expect(toAlice.received).toEqual([]);
  });

  it('refuses a part it cannot carry before sending any of the message', async () => {
    const alice = await connect('alice', ALICE);
    const sentByAlice = () => smsc.log().filter((entry) => entry.kind === 'message' && entry.from === ALICE).length;
    const before = sentByAlice();

    const sending = alice.send(BOB, [text(undefined, 'fine'), text(undefined, 'not GSM: 漢字')]);

    await expect(sending).rejects.toMatchObject({
      code: SmsCarrierErrorCode.InvalidPart,
      message: expect.stringMatching(/part 2 .*GSM 03\.38/),
    });
    await expect(alice.send('15550002', [text(undefined, 'x')])).rejects.toMatchObject({ code: SmsCarrierErrorCode.InvalidNumber });
    await expect(alice.send(BOB, [binary(concatenation(1, 1, 1), new Uint8Array(250))])).rejects.toThrow(/over SMPP's 254/);
    expect(sentByAlice()).toBe(before);
  });

  it('refuses a wrong password, an unknown system ID and a number the account may not use, naming the status', async () => {
    const refusal = (url: string, ownNumber = ALICE) => SmppCarrier.connect({ url, ownNumber }).catch((error: unknown) => error);

    const wrongPassword = await refusal(accountUrl('alice', 'wrong'));
    const unknownSystem = await refusal(accountUrl('mallory', 'x'));
    const notHisNumber = await refusal(accountUrl('bob'), ALICE);

    expect(wrongPassword).toBeInstanceOf(SmsCarrierError);
    expect(wrongPassword).toMatchObject({
      code: SmsCarrierErrorCode.BindRefused,
      message: expect.stringContaining('ESME_RINVPASWD (0x0e)'),
    });
    expect(unknownSystem).toMatchObject({
      code: SmsCarrierErrorCode.BindRefused,
      message: expect.stringContaining('ESME_RINVSYSID (0x0f)'),
    });
    expect(notHisNumber).toMatchObject({
      code: SmsCarrierErrorCode.BindRefused,
      message: expect.stringContaining('ESME_RBINDFAIL (0x0d)'),
    });
  });

  it('fails a send with UNAVAILABLE when no bind comes within the wait', async () => {
    const closedPort = await startSmsc({ accounts: ACCOUNTS });
    const url = closedPort.url.replace('smpp://', 'smpp://alice:a-secret@');
    const alice = await SmppCarrier.connect({ url, ownNumber: ALICE, bindWaitMs: 200, reconnectBackoff: { initialMs: 10, maxMs: 50 } });
    open.push(alice);

    await closedPort.stop();

    await expect(alice.send(BOB, [text(undefined, 'lost')])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.Unavailable,
      message: expect.stringMatching(/not bound to the SMSC at smpp:\/\/127\.0\.0\.1:\d+ within 200 ms/),
    });
  });
});

describe(`${SmppCarrier.name} against a throttling SMSC`, () => {
  it('backs off on ESME_RTHROTTLED and still delivers every part', async () => {
    const smsc = await startSmsc({ accounts: 'open', submitsPerSecond: 20, submitBurst: 1 });
    const backoff = { throttleBackoff: { initialMs: 5, maxMs: 50 }, maxAttempts: 20 };
    const alice = await SmppCarrier.connect({ url: smsc.url.replace('smpp://', 'smpp://alice:x@'), ownNumber: ALICE, ...backoff });
    const bob = await SmppCarrier.connect({ url: smsc.url.replace('smpp://', 'smpp://bob:x@'), ownNumber: BOB, ...backoff });
    const toBob = new PartInbox(bob);
    const parts = [1, 2, 3, 4, 5, 6].map((sequence) => binary(concatenation(5, 6, sequence), random(64)));
    try {
      await alice.send(BOB, parts);

      expect(await toBob.first(6)).toEqual(parts.map((part) => ({ from: ALICE, part })));
      expect(smsc.stats().throttled).toBeGreaterThan(0);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await smsc.stop();
    }
  });
});

describe(`${SmppCarrier.name} across an SMSC restart`, () => {
  it('rebinds once the SMSC is back, and later sends go through', async () => {
    let smsc = await startSmsc({ accounts: 'open' });
    const { port } = smsc;
    const options = { reconnectBackoff: { initialMs: 10, maxMs: 100 }, bindWaitMs: 30_000 };
    const alice = await SmppCarrier.connect({ url: `smpp://alice:x@127.0.0.1:${port}`, ownNumber: ALICE, ...options });
    const bob = await SmppCarrier.connect({ url: `smpp://bob:x@127.0.0.1:${port}`, ownNumber: BOB, ...options });
    const toBob = new PartInbox(bob);
    try {
      await alice.send(BOB, [text(undefined, 'before')]);
      await toBob.first(1);

      await smsc.stop();
      // Sent while the SMSC is down: the send waits for the rebind.
      const sending = alice.send(BOB, [text(undefined, 'after')]);
      smsc = await startSmsc({ port, accounts: 'open' });
      await sending;

      expect((await toBob.first(2)).map(({ part }) => part)).toEqual([text(undefined, 'before'), text(undefined, 'after')]);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await smsc.stop();
    }
  });
});
