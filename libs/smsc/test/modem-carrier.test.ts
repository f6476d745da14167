import { ModemCarrier, SmsCarrierErrorCode, encodeSmsMessage, splitIntoParts, type SmsPart } from '@coming/sms';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { GsmNetwork, ModemSimulator } from '../src';
import { Started, multiPartMessages, reassembleOne } from './support/carrier-test-kit';
import { PartInbox } from './support/part-inbox';

const ALICE = '+4915550001';
const BOB = '+4915550002';

const started = new Started();
afterEach(() => started.closeAll());

async function simulator(network: GsmNetwork, number: string, pin?: string): Promise<ModemSimulator> {
  const modem = await ModemSimulator.start({ network, number, pin });
  started.add({ close: () => modem.stop() });
  return modem;
}

async function carrier(modem: ModemSimulator, mode: 'pdu' | 'text' = 'pdu', discards: string[] = []): Promise<ModemCarrier> {
  const opened = await ModemCarrier.open(`serial://${modem.path}?baud=115200&mode=${mode}`, {
    onDiscard: (reason) => discards.push(reason),
  });
  started.add(opened);
  return opened;
}

describe(ModemCarrier.name, () => {
  it('exchanges multi-part text and binary messages both ways in PDU mode, rebuilt exactly', async () => {
    const network = new GsmNetwork();
    const [alice, bob] = await Promise.all([carrier(await simulator(network, ALICE)), carrier(await simulator(network, BOB))]);
    const [aliceInbox, bobInbox] = [new PartInbox(alice), new PartInbox(bob)];
    const { textBytes, binaryBytes, textParts, binaryParts } = multiPartMessages();

    await Promise.all([alice.send(BOB, textParts), bob.send(ALICE, binaryParts)]);
    const [atBob, atAlice] = await Promise.all([bobInbox.next(textParts.length), aliceInbox.next(binaryParts.length)]);

    expect(atBob).toEqual(textParts.map((part) => ({ from: ALICE, part })));
    expect(atAlice).toEqual(binaryParts.map((part) => ({ from: BOB, part })));
    expect(reassembleOne(atBob)).toEqual(textBytes);
    expect(reassembleOne(atAlice)).toEqual(binaryBytes);

    await bob.send(ALICE, textParts);
    expect(reassembleOne(await aliceInbox.next(textParts.length, binaryParts.length))).toEqual(textBytes);
    expect(network.log.map(({ from, to, outcome }) => `${from}>${to}:${outcome}`)).toEqual(
      expect.arrayContaining([`${ALICE}>${BOB}:delivered`, `${BOB}>${ALICE}:delivered`]),
    );
    expect(network.log).toHaveLength(textParts.length * 2 + binaryParts.length);
  });

  it('sends and receives single text parts in text mode, with characters outside ASCII', async () => {
    const network = new GsmNetwork();
    const [alice, bob] = await Promise.all([
      carrier(await simulator(network, ALICE), 'text'),
      carrier(await simulator(network, BOB), 'text'),
    ]);
    const bobInbox = new PartInbox(bob);
    const aliceInbox = new PartInbox(alice);
    const hello: SmsPart = { body: { coding: 'gsm7', text: '@£$¥ Hello_ΔΩ ' } };

    await alice.send(BOB, [hello]);
    await bob.send(ALICE, [{ body: { coding: 'gsm7', text: 'back' } }]);

    expect(await bobInbox.next(1)).toEqual([{ from: ALICE, part: hello }]);
    expect(await aliceInbox.next(1)).toEqual([{ from: BOB, part: { body: { coding: 'gsm7', text: 'back' } } }]);
  });

  it('refuses in text mode a part with a header, or binary, before sending anything', async () => {
    const network = new GsmNetwork();
    const alice = await carrier(await simulator(network, ALICE), 'text');
    await simulator(network, BOB);
    const parts = splitIntoParts(encodeSmsMessage(Uint8Array.from(randomBytes(200))), { reference: 1 });

    await expect(alice.send(BOB, parts)).rejects.toMatchObject({
      code: SmsCarrierErrorCode.InvalidPart,
      message: expect.stringContaining('use mode=pdu'),
    });
    await expect(alice.send(BOB, [{ body: { coding: 'binary', bytes: Uint8Array.of(1) } }])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.InvalidPart,
    });
    expect(network.log).toEqual([]);
  });

  it('reads and deletes the messages stored while no carrier was running', async () => {
    const network = new GsmNetwork();
    const bobModem = await simulator(network, BOB);
    const alice = await carrier(await simulator(network, ALICE));
    const parts = splitIntoParts(encodeSmsMessage(Uint8Array.from(randomBytes(250))), { reference: 3 });
    await alice.send(BOB, parts);
    expect(bobModem.storedCount).toBe(parts.length);

    const bob = await carrier(bobModem);
    const received = await new PartInbox(bob).next(parts.length);

    expect(received).toEqual(parts.map((part) => ({ from: ALICE, part })));
    // Each is deleted once the listener has it safe.
    await expect.poll(() => bobModem.storedCount).toBe(0);
  });

  it('keeps stored a message its listener fails to keep, and hands it on at the next start', async () => {
    const network = new GsmNetwork();
    const bobModem = await simulator(network, BOB);
    const alice = await carrier(await simulator(network, ALICE));
    const discards: string[] = [];
    const failing = await carrier(bobModem, 'pdu', discards);
    failing.onPart(() => Promise.reject(new Error('the client could not save it')));
    const part: SmsPart = { body: { coding: 'gsm7', text: 'keep me' } };

    await alice.send(BOB, [part]);
    await expect.poll(() => discards).toEqual([expect.stringContaining('not taken, kept in storage: Error: the client could not save it')]);
    expect(bobModem.storedCount).toBe(1);
    await failing.close();

    const bob = await carrier(bobModem);
    expect(await new PartInbox(bob).next(1)).toEqual([{ from: ALICE, part }]);
    await expect.poll(() => bobModem.storedCount).toBe(0);
  });

  it('discards and deletes what a hostile network stores (malformed, lying about lengths, foreign UCS2), then goes on', async () => {
    const network = new GsmNetwork();
    const aliceModem = await simulator(network, ALICE);
    const discards: string[] = [];
    const alice = await carrier(aliceModem, 'pdu', discards);
    const inbox = new PartInbox(alice);
    const bob = await carrier(await simulator(network, BOB));
    // An empty SMSC address, then DELIVER fields from a sender +4912345678 with a time stamp.
    const deliver = (firstOctet: string, rest: string) => Uint8Array.from(Buffer.from(`00${firstOctet}0A91942143658700${rest}`, 'hex'));
    const stamp = '62202121544000';
    const hostile = [
      deliver('04', `00${stamp}A1${'00'.repeat(141)}`),
      deliver('44', `04${stamp}050800000000`),
      deliver('04', `08${stamp}020416`),
      Uint8Array.of(0x00, 0x04, 0x0a, 0x91),
    ];
    for (const pdu of hostile) expect(aliceModem.storeRaw(pdu)).toBe(true);

    const hello: SmsPart = { body: { coding: 'gsm7', text: 'after the noise' } };
    await bob.send(ALICE, [hello]);

    // Slots are read in the order announced: the hostile ones came first.
    expect(await inbox.next(1)).toEqual([{ from: BOB, part: hello }]);
    expect(discards).toEqual([
      expect.stringContaining('a user data length of 161 exceeds the 160'),
      expect.stringContaining('a user data header of 9 octets is longer than the user data length of 5'),
      expect.stringMatching(/from \+4912345678: UCS2 text outside the GSM alphabet/),
      expect.stringContaining('the PDU ends at octet 4, inside its originating address'),
    ]);
    await expect.poll(() => aliceModem.storedCount).toBe(0);
  });

  it('reports a message the network refuses with the +CMS ERROR and its meaning', async () => {
    const alice = await carrier(await simulator(new GsmNetwork(), ALICE));

    await expect(alice.send('+4915559999', [{ body: { coding: 'gsm7', text: 'hi' } }])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.SendRejected,
      message: 'AT+CMGS=15 answered +CMS ERROR: 1 (unassigned number)',
    });
  });

  it('fails to open, naming the command, on a modem that refuses its setup, and on a port that is not there', async () => {
    const modem = await simulator(new GsmNetwork(), ALICE);

    await expect(ModemCarrier.open(`serial://${modem.path}?storage=ME`)).rejects.toMatchObject({
      code: SmsCarrierErrorCode.CommandFailed,
      message: 'AT+CPMS="ME","ME","ME" answered ERROR',
    });
    await expect(ModemCarrier.open(`serial://${modem.path}-missing`)).rejects.toMatchObject({
      code: SmsCarrierErrorCode.Unavailable,
      message: expect.stringContaining(`cannot open ${modem.path}-missing`),
    });
  });

  it('unlocks a SIM with the PIN in the URL, waiting out its busy start; refuses without one or with a wrong one, never repeating it', async () => {
    const network = new GsmNetwork();
    const locked = await simulator(network, ALICE, '2468');
    const bob = await carrier(await simulator(network, BOB));
    const open = (query: string) => ModemCarrier.open(`serial://${locked.path}${query}`);

    await expect(open('')).rejects.toMatchObject({
      code: SmsCarrierErrorCode.InvalidConfig,
      message: expect.stringContaining('?pin=1234'),
    });
    const refused = await open('?pin=1357').catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: SmsCarrierErrorCode.InvalidConfig,
      message:
        'the SIM refused the PIN in the URL (AT+CPIN with the PIN answered +CME ERROR: 16); not tried again, since three wrong PINs block it',
    });
    expect(String((refused as Error).message)).not.toContain('1357');

    const alice = await open('?pin=2468');
    started.add(alice);
    const bobInbox = new PartInbox(bob);
    await alice.send(BOB, [{ body: { coding: 'gsm7', text: 'unlocked' } }]);
    expect(await bobInbox.next(1)).toEqual([{ from: ALICE, part: { body: { coding: 'gsm7', text: 'unlocked' } } }]);
  });

  it('says a SIM blocked by wrong PINs needs its PUK, which a phone must give it', async () => {
    const blocked = await simulator(new GsmNetwork(), ALICE, '2468');
    for (const pin of ['1111', '2222', '3333'])
      await expect(ModemCarrier.open(`serial://${blocked.path}?pin=${pin}`)).rejects.toMatchObject({
        code: SmsCarrierErrorCode.InvalidConfig,
      });

    await expect(ModemCarrier.open(`serial://${blocked.path}?pin=2468`)).rejects.toMatchObject({
      code: SmsCarrierErrorCode.Unavailable,
      message: 'the SIM asks for SIM PUK, which only a phone can give it: unlock it there first',
    });
  });

  it('refuses a destination that is not E.164, naming it', async () => {
    const alice = await carrier(await simulator(new GsmNetwork(), ALICE));

    await expect(alice.send('0049 1555', [{ body: { coding: 'gsm7', text: 'hi' } }])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.InvalidNumber,
      message: expect.stringContaining('"0049 1555"'),
    });
  });

  it('keeps working through garbage lines, an endless line and bogus indications from the modem', async () => {
    const network = new GsmNetwork();
    const aliceModem = await simulator(network, ALICE);
    const discards: string[] = [];
    const alice = await carrier(aliceModem, 'pdu', discards);
    const bob = await carrier(await simulator(network, BOB));
    const inbox = new PartInbox(alice);

    aliceModem.writeRaw('\r\nNOISE\r\n+CMTI: "SM",notanumber\r\n' + '#'.repeat(100_000) + '\r\n\u0000\u00ff\r\n+CMTI: "SM",29\r\n');
    const hello: SmsPart = { body: { coding: 'gsm7', text: 'still here' } };
    await bob.send(ALICE, [hello]);

    expect(await inbox.next(1)).toEqual([{ from: BOB, part: hello }]);
    expect(discards).toEqual([]);
  });
});
