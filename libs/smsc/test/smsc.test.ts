import {
  gsm7Text,
  smpp,
  SmppCarrier,
  SmsCarrierErrorCode,
  type SmppPdu,
  type SmppPduFields,
  type SmppSession,
  type SmsPart,
} from '@coming/sms';
import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PartInbox, type Smsc, type SmscOptions, startSmsc } from '../src';

const ALICE = '+15550001';
const BOB = '+15550002';
const CAROL = '+15550003';
const DAVE = '+15550004';
const ERIN = '+15550005';
const MALLORY = '+15550666';

const binaryPart = (sequence: number): SmsPart => ({
  udh: Uint8Array.of(0x00, 0x03, 0x2a, 9, sequence),
  body: { coding: 'binary', bytes: Uint8Array.from(randomBytes(120)) },
});

/** Runs `test` against an open SMSC of its own, closing the carriers it connected and the SMSC after. */
async function withSmsc(
  options: Partial<SmscOptions>,
  test: (smsc: Smsc, connect: (number: string) => Promise<SmppCarrier>) => Promise<void>,
) {
  const smsc = await startSmsc({ accounts: 'open', ...options });
  const carriers: SmppCarrier[] = [];
  const connect = async (number: string) => {
    const carrier = await SmppCarrier.connect({ url: smsc.url.replace('smpp://', `smpp://esme:x@`), ownNumber: number });
    carriers.push(carrier);
    return carrier;
  };
  try {
    await test(smsc, connect);
  } finally {
    await Promise.all(carriers.map((carrier) => carrier.close()));
    await smsc.stop();
  }
}

/** A bare ESME on the package's session, to send what a carrier never would. */
async function rawEsme(smsc: Smsc) {
  const session: SmppSession = smpp.connect({ host: '127.0.0.1', port: smsc.port });
  const delivered: SmppPdu[] = [];
  session.on('deliver_sm', (pdu: SmppPdu) => delivered.push(pdu));
  await new Promise((resolve) => session.once('connect', resolve));
  const request = (command: string, fields: SmppPduFields = {}) =>
    new Promise<SmppPdu>((resolve) => session.send(new smpp.PDU(command, fields), resolve));
  const bind = (number: string, command = 'bind_transceiver') =>
    request(command, { system_id: 'raw', password: 'x', addr_ton: 1, addr_npi: 1, address_range: number.slice(1) });
  const submit = (to: string, fields: SmppPduFields = {}) =>
    request('submit_sm', {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: MALLORY.slice(1),
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: to.slice(1),
      data_coding: 0x04,
      short_message: randomBytes(100),
      ...fields,
    });
  const close = () => new Promise<void>((resolve) => session.destroy(resolve));
  return { session, delivered, request, bind, submit, close };
}

/** Writes raw octets on a TCP connection and collects what comes back until the SMSC hangs up. */
async function rawTcp(smsc: Smsc) {
  const socket: Socket = connectTcp(smsc.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  /** The next `length` octets received. */
  const read = async (length: number) => {
    while (Buffer.concat(chunks).length < length) await new Promise((resolve) => socket.once('data', resolve));
    const all = Buffer.concat(chunks.splice(0));
    chunks.push(all.subarray(length));
    return all.subarray(0, length);
  };
  return { socket, read, closed };
}

const header = (length: number, commandId: number, status: number, sequence: number) => {
  const octets = Buffer.alloc(16);
  [length, commandId, status, sequence].forEach((value, index) => octets.writeUInt32BE(value, index * 4));
  return octets;
};

describe('startSmsc', () => {
  it('caps what one sender can hold: a queue per recipient, a share per sender, a total; then ESME_RMSGQFUL', async () => {
    await withSmsc({ perRecipient: 5, perSender: 8, total: 12 }, async (smsc, connect) => {
      const mallory = await connect(MALLORY);
      const alice = await connect(ALICE);
      const outcomes = async (carrier: SmppCarrier, to: string, count: number) => {
        const settled = [];
        for (let index = 0; index < count; index += 1)
          settled.push(
            await carrier.submit(to, binaryPart(index + 1)).then(
              () => 'held',
              (error: Error) => error,
            ),
          );
        return settled;
      };
      const refused = expect.objectContaining({
        code: SmsCarrierErrorCode.SendRejected,
        message: expect.stringContaining('ESME_RMSGQFUL (0x14)'),
      });

      // Carol's queue fills at 5; Mallory's share at 8, whoever the parts are for.
      expect(await outcomes(mallory, CAROL, 7)).toEqual([...Array(5).fill('held'), refused, refused]);
      expect(await outcomes(mallory, DAVE, 4)).toEqual([...Array(3).fill('held'), refused]);
      // Others still send, until the store as a whole is full.
      expect(await outcomes(alice, ERIN, 5)).toEqual([...Array(4).fill('held'), refused]);
      expect(smsc.stats()).toMatchObject({ held: 12, queueFull: 4 });

      const carol = await connect(CAROL);
      const toCarol = new PartInbox(carol);
      expect((await toCarol.first(5)).map(({ from }) => from)).toEqual(Array(5).fill(MALLORY));
    });
  });

  it('holds no more than its caps under a pipelined flood to many numbers, and its log keeps the latest entries only', async () => {
    await withSmsc({ perSender: 50, maxLogEntries: 20, submitsPerSecond: 100_000 }, async (smsc) => {
      const mallory = await rawEsme(smsc);
      expect((await mallory.bind(MALLORY)).command_status).toBe(0);

      const answers = await Promise.all(
        Array.from({ length: 1_000 }, (_, index) => mallory.submit(`+1777${String(index).padStart(7, '0')}`)),
      );

      const statuses = answers.map((answer) => answer.command_status);
      expect(statuses.filter((status) => status === 0)).toHaveLength(50);
      expect(statuses.filter((status) => status === 0x14)).toHaveLength(950);
      expect(smsc.stats()).toMatchObject({ held: 50, queueFull: 950 });
      expect(smsc.log()).toHaveLength(20);
      expect(smsc.log().at(-1)?.to).toBe('+17770000049');
      await mallory.close();
    });
  });

  it('refuses what a hostile ESME submits, naming the status, and keeps serving it', async () => {
    await withSmsc({}, async (smsc) => {
      const mallory = await rawEsme(smsc);
      const status = async (answer: Promise<SmppPdu>) => (await answer).command_status;

      expect(await status(mallory.submit(BOB))).toBe(0x04); // ESME_RINVBNDSTS: not bound
      expect(await status(mallory.bind(MALLORY))).toBe(0);
      expect(await status(mallory.bind(MALLORY))).toBe(0x05); // ESME_RALYBND
      expect(await status(mallory.submit(BOB, { source_addr: ALICE.slice(1) }))).toBe(0x0a); // another's number
      expect(await status(mallory.submit(BOB, { destination_addr: 'not-a-number' }))).toBe(0x0b);
      expect(await status(mallory.submit(BOB, { data_coding: 0x08 }))).toBe(0x104); // only GSM 7-bit and 8-bit data
      expect(await status(mallory.submit(BOB, { short_message: randomBytes(141) }))).toBe(0x01); // over one SMS
      expect(await status(mallory.submit(BOB, { data_coding: 0, short_message: Buffer.alloc(161, 0x41) }))).toBe(0x01);
      expect(await status(mallory.submit(BOB, { short_message: Buffer.alloc(0), message_payload: randomBytes(300) }))).toBe(0xc1);
      expect(await status(mallory.request('query_sm', { message_id: '1' }))).toBe(0x03);
      expect(await status(mallory.request('enquire_link'))).toBe(0);
      expect(await status(mallory.submit(BOB))).toBe(0);
      expect(smsc.log().map((entry) => entry.from)).toEqual([MALLORY]);
      await mallory.close();
    });
  });

  it('refuses submit_sm on a receiver bind and routes to it, a transmitter bind the other way', async () => {
    await withSmsc({}, async (smsc) => {
      const receiver = await rawEsme(smsc);
      const transmitter = await rawEsme(smsc);
      expect((await receiver.bind(BOB, 'bind_receiver')).command_status).toBe(0);
      expect((await transmitter.bind(MALLORY, 'bind_transmitter')).command_status).toBe(0);

      expect((await receiver.submit(ALICE, { source_addr: BOB.slice(1) })).command_status).toBe(0x04);
      const body = randomBytes(100);
      expect((await transmitter.submit(BOB, { short_message: body })).command_status).toBe(0);
      // Everything the SMSC wrote before answering this has arrived by the answer.
      await receiver.request('enquire_link');

      expect(receiver.delivered.map((pdu) => [pdu.source_addr, pdu.data_coding, pdu.short_message])).toEqual([
        [MALLORY.slice(1), 0x04, { message: body }],
      ]);
      await Promise.all([receiver.close(), transmitter.close()]);
    });
  });

  it('answers an unknown command with generic_nack, hangs up on a PDU it cannot frame, and serves others meanwhile', async () => {
    await withSmsc({}, async (smsc, connect) => {
      const alice = await connect(ALICE);
      const bob = await connect(BOB);
      const toBob = new PartInbox(bob);
      const garbage = await rawTcp(smsc);

      garbage.socket.write(header(16, 0x00000999, 0, 42));
      expect(await garbage.read(16)).toEqual(header(16, 0x80000000, 0x03, 42));
      garbage.socket.write(header(1 << 20, 0x00000004, 0, 43));
      expect(await garbage.read(16)).toEqual(header(16, 0x80000000, 0x02, 0));
      await garbage.closed;

      const part = binaryPart(1);
      await alice.send(BOB, [part]);
      expect(await toBob.first(1)).toEqual([{ from: ALICE, part }]);
    });
  });

  it('keeps what a receiver left unanswered and delivers it, in order, on the next bind', async () => {
    await withSmsc({ deliveryWindow: 3 }, async (smsc, connect) => {
      const silent = await rawEsme(smsc);
      expect((await silent.bind(BOB)).command_status).toBe(0);
      // The package answers nothing by itself: this receiver takes deliveries and never acknowledges them.
      const alice = await connect(ALICE);
      const parts = Array.from({ length: 10 }, (_, index) => binaryPart(index + 1));

      await alice.send(BOB, parts);
      await silent.request('enquire_link');
      expect(silent.delivered).toHaveLength(3);
      // Once the unbind is answered, what it left unanswered waits for the next bind.
      expect((await silent.request('unbind')).command_status).toBe(0);

      const bob = await connect(BOB);
      const toBob = new PartInbox(bob);
      expect(await toBob.first(10)).toEqual(parts.map((part) => ({ from: ALICE, part })));
    });
  });

  it('logs each routed part as the octets it carried, and receipts without the message text', async () => {
    await withSmsc({}, async (smsc, connect) => {
      const alice = await connect(ALICE);
      const bob = await connect(BOB);
      const receipts = new Promise<void>((resolve) => {
        let count = 0;
        alice.onReceipt(() => {
          count += 1;
          if (count === 2) resolve();
        });
      });
      const toBob = new PartInbox(bob);
      const parts = [binaryPart(1), binaryPart(2)];

      await alice.send(BOB, parts);
      await Promise.all([toBob.first(2), receipts]);

      const hex = (octets: Uint8Array) => Buffer.from(octets).toString('hex');
      const log = smsc.log();
      expect(log.filter((entry) => entry.kind === 'message')).toEqual(
        parts.map((part) => ({
          kind: 'message',
          messageId: expect.any(String),
          from: ALICE,
          to: BOB,
          esmClass: 0x40,
          dataCoding: 0x04,
          udhHex: hex(part.udh!),
          bodyHex: part.body.coding === 'binary' ? hex(part.body.bytes) : '',
        })),
      );
      const receiptTexts = log.filter((entry) => entry.kind === 'receipt').map((entry) => gsm7Text(Buffer.from(entry.bodyHex, 'hex')));
      expect(receiptTexts).toHaveLength(2);
      for (const text of receiptTexts)
        expect(text).toMatch(/^id:\w+ sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000 text:$/);
    });
  });
});
