import { HttpCarrier, MAX_WEBHOOK_BODY_BYTES, SmsCarrierErrorCode, WEBHOOK_SECRET_HEADER, splitIntoParts, type SmsPart } from '@coming/sms';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpGatewaySimulator } from '../src';
import { Started, multiPartMessages, reassembleOne } from './support/carrier-test-kit';
import { PartInbox } from './support/part-inbox';

const ALICE = '+4915550001';
const BOB = '+4915550002';
const HELLO: SmsPart = { body: { coding: 'gsm7', text: 'hello' } };

const started = new Started();
afterEach(() => started.closeAll());

async function gateway(): Promise<HttpGatewaySimulator> {
  const simulator = await HttpGatewaySimulator.start();
  started.add({ close: () => simulator.stop() });
  return simulator;
}

/** A carrier with an account at the gateway; its waits between retries are recorded and skipped. */
async function carrier(simulator: HttpGatewaySimulator, number: string, options: { maxAttempts?: number; maxRetryDelayMs?: number } = {}) {
  const secret = randomBytes(16).toString('hex');
  const waits: number[] = [];
  const gatewayUrl = simulator.addAccount({ user: number, password: `pw-${number}`, number, webhookSecret: secret });
  const opened = await HttpCarrier.open({
    gatewayUrl,
    webhook: { secret },
    wait: async (milliseconds) => void waits.push(milliseconds),
    ...options,
  });
  started.add(opened);
  simulator.setWebhook(number, opened.webhookUrl);
  return { carrier: opened, inbox: new PartInbox(opened), secret, waits };
}

function postToWebhook(url: string, secret: string | undefined, body: string | ReadableStream<Uint8Array>): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(secret !== undefined && { [WEBHOOK_SECRET_HEADER]: secret }),
  };
  return fetch(url, { method: 'POST', headers, body, duplex: 'half' });
}

describe(HttpCarrier.name, () => {
  it('exchanges multi-part text and binary messages both ways through the gateway, rebuilt exactly', async () => {
    const simulator = await gateway();
    const [alice, bob] = [await carrier(simulator, ALICE), await carrier(simulator, BOB)];
    const { textBytes, binaryBytes, textParts, binaryParts } = multiPartMessages();

    await Promise.all([alice.carrier.send(BOB, textParts), bob.carrier.send(ALICE, binaryParts)]);
    await alice.carrier.send(BOB, binaryParts);

    const atBob = await bob.inbox.next(textParts.length + binaryParts.length);
    const atAlice = await alice.inbox.next(binaryParts.length);
    expect(atBob).toEqual([...textParts, ...binaryParts].map((part) => ({ from: ALICE, part })));
    expect(atAlice).toEqual(binaryParts.map((part) => ({ from: BOB, part })));
    expect(reassembleOne(atBob.slice(0, textParts.length))).toEqual(textBytes);
    expect(reassembleOne(atBob.slice(textParts.length))).toEqual(binaryBytes);
    expect(reassembleOne(atAlice)).toEqual(binaryBytes);
    expect(simulator.log.map(({ from, to, parts, webhookStatus }) => [from, to, parts.length, webhookStatus])).toEqual(
      expect.arrayContaining([
        [ALICE, BOB, textParts.length, 204],
        [BOB, ALICE, binaryParts.length, 204],
        [ALICE, BOB, binaryParts.length, 204],
      ]),
    );
  });

  it('sends a message of 255 parts, the most there can be, in requests a webhook takes whole', async () => {
    const simulator = await gateway();
    const alice = await carrier(simulator, ALICE);
    const bob = await carrier(simulator, BOB);
    const parts = splitIntoParts({ coding: 'binary', bytes: Uint8Array.from(randomBytes(134 * 255)) }, { reference: 9 });
    expect(parts).toHaveLength(255);

    await alice.carrier.send(BOB, parts);

    expect(await bob.inbox.next(255)).toEqual(parts.map((part) => ({ from: ALICE, part })));
    expect(simulator.log.map((record) => [record.parts.length, record.webhookStatus])).toEqual([
      [100, 204],
      [100, 204],
      [55, 204],
    ]);
  });

  it("retries after a 429 as long as the gateway's Retry-After says, and backs off on a 503 without one", async () => {
    const simulator = await gateway();
    const alice = await carrier(simulator, ALICE);
    const bob = await carrier(simulator, BOB);

    simulator.failNext(2, 429, '7');
    await alice.carrier.send(BOB, [HELLO]);
    simulator.failNext(2, 503);
    await alice.carrier.send(BOB, [HELLO]);

    expect(alice.waits).toEqual([7000, 7000, 500, 1000]);
    expect(simulator.requests).toBe(6);
    expect(await bob.inbox.next(2)).toEqual([
      { from: ALICE, part: HELLO },
      { from: ALICE, part: HELLO },
    ]);
  });

  it('gives up when the gateway stays busy, or asks for a wait past the allowed one, as unavailable', async () => {
    const simulator = await gateway();
    const alice = await carrier(simulator, ALICE, { maxAttempts: 3, maxRetryDelayMs: 10_000 });
    await carrier(simulator, BOB);

    simulator.failNext(3, 500);
    await expect(alice.carrier.send(BOB, [HELLO])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.Unavailable,
      message: expect.stringMatching(/^the gateway answered 500 Internal Server Error: .*try later.*, after 3 attempts$/),
    });
    simulator.failNext(1, 429, '3600');
    await expect(alice.carrier.send(BOB, [HELLO])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.Unavailable,
      message: expect.stringContaining('a retry in 3600000 ms, past the 10000 ms allowed'),
    });
    expect(simulator.log).toEqual([]);
  });

  it('reports a refusal (4xx) at once with its status and the start of its body', async () => {
    const simulator = await gateway();
    const alice = await carrier(simulator, ALICE);

    await expect(alice.carrier.send('+4915559999', [HELLO])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.SendRejected,
      message: expect.stringMatching(/^the gateway answered 404 Not Found: .*no subscriber \+4915559999/),
    });
    expect(simulator.requests).toBe(1);
  });

  it('refuses a part one SMS cannot hold before posting anything', async () => {
    const simulator = await gateway();
    const alice = await carrier(simulator, ALICE);

    await expect(alice.carrier.send(BOB, [HELLO, { body: { coding: 'binary', bytes: new Uint8Array(141) } }])).rejects.toMatchObject({
      code: SmsCarrierErrorCode.InvalidPart,
    });
    expect(simulator.requests).toBe(0);
  });

  it('answers 401 to a webhook call with a wrong or missing secret, and delivers nothing', async () => {
    const { carrier: bob, inbox, secret } = await carrier(await gateway(), BOB);
    const body = JSON.stringify({ from: ALICE, parts: [{ udh: null, coding: 'gsm7', text: 'forged' }] });

    const wrong = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
    expect((await postToWebhook(bob.webhookUrl, wrong, body)).status).toBe(401);
    expect((await postToWebhook(bob.webhookUrl, undefined, body)).status).toBe(401);
    expect((await postToWebhook(bob.webhookUrl, secret, body)).status).toBe(204);
    expect(inbox.received).toEqual([{ from: ALICE, part: { body: { coding: 'gsm7', text: 'forged' } } }]);
  });

  it('answers 503 with a Retry-After while no listener takes SMS, or while it fails to keep them; 204 once one is kept', async () => {
    const secret = randomBytes(16).toString('hex');
    const bob = await HttpCarrier.open({ gatewayUrl: 'http://bob:pw@127.0.0.1:9/sms', webhook: { secret } });
    started.add(bob);
    const body = JSON.stringify({ from: ALICE, parts: [{ udh: null, coding: 'gsm7', text: 'kept?' }] });

    const unheard = await postToWebhook(bob.webhookUrl, secret, body);
    expect([unheard.status, unheard.headers.get('retry-after')]).toEqual([503, '30']);
    bob.onPart(() => Promise.reject(new Error('the client could not save it')));
    expect((await postToWebhook(bob.webhookUrl, secret, body)).status).toBe(503);
    const kept: string[] = [];
    bob.onPart(async (_from, part) => void kept.push(part.body.coding === 'gsm7' ? part.body.text : ''));
    expect((await postToWebhook(bob.webhookUrl, secret, body)).status).toBe(204);
    expect(kept).toEqual(['kept?']);
  });

  it('answers 413 to a body over the cap, declared or streamed, and delivers nothing', async () => {
    const { carrier: bob, inbox, secret } = await carrier(await gateway(), BOB);
    const oversized = JSON.stringify({ from: ALICE, parts: [], padding: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let chunk = 0; chunk < 5; chunk++) controller.enqueue(new Uint8Array(MAX_WEBHOOK_BODY_BYTES / 4).fill(0x20));
        controller.close();
      },
    });

    expect((await postToWebhook(bob.webhookUrl, secret, oversized)).status).toBe(413);
    expect((await postToWebhook(bob.webhookUrl, secret, streamed)).status).toBe(413);
    expect(inbox.received).toEqual([]);
  });

  it('answers 400 naming the fault to malformed JSON, a wrong shape, or a part too long for one SMS', async () => {
    const { carrier: bob, inbox, secret } = await carrier(await gateway(), BOB);
    const refusal = async (body: string) => {
      const response = await postToWebhook(bob.webhookUrl, secret, body);
      return `${response.status} ${await response.text()}`;
    };

    expect(await refusal('{"from": "+49", "parts": [')).toMatch(/^400 malformed JSON: /);
    expect(await refusal(JSON.stringify({ from: ALICE, parts: [{ udh: null, coding: 'ucs2', text: 'x' }] }))).toMatch(
      /^400 parts\.0\.coding: /,
    );
    expect(await refusal(JSON.stringify({ from: 'evil\u001b[2J', parts: [{ udh: null, coding: 'gsm7', text: 'x' }] }))).toMatch(
      /^400 from: /,
    );
    const tooLong = { udh: '0003010201', coding: 'gsm7', text: 'x'.repeat(154) };
    expect(await refusal(JSON.stringify({ from: ALICE, parts: [tooLong] }))).toBe(
      '400 parts: a part of 154 septets exceeds the 153 one SMS holds beside a 6-octet header',
    );
    expect(await refusal(JSON.stringify({ from: ALICE, parts: [{ udh: null, coding: 'gsm7', text: 'Жук' }] }))).toBe(
      '400 parts: character "Ж" at 0 is not in the GSM 7-bit alphabet',
    );
    expect(inbox.received).toEqual([]);
  });
});
