import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, GrpcStatus, grpcServices } from '@coming/grpc';
import { type mailbox, MAX_ENVELOPE_BYTES, messaging } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, eventually, findFreePorts, type TestInfrastructure } from '@coming/testing';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailbox } from '../src/mailbox.app';
import { mailboxConfigSchema } from '../src/mailbox.config';
import { testEnvelope } from './test-envelopes';

const CAPACITY = 6;
const SENDER_QUOTA = 3;
const RECIPIENT = 'coming1limits';
const DEADLINE_MS = 30_000;

/** An envelope whose encoding is exactly `bytes` long. */
function envelopeOf(bytes: number, overrides: Partial<messaging.Envelope>): messaging.Envelope {
  const bare = testEnvelope({ ...overrides, content: new Uint8Array(0) });
  const addressing = messaging.Envelope.encode(bare).finish().length;
  // The content field adds its tag (1 byte) and a 4-byte length to its bytes.
  const sized = { ...bare, content: Buffer.concat([Buffer.from([0x44]), randomBytes(bytes - addressing - 5 - 1)]) };
  expect(messaging.Envelope.encode(sized).finish().length).toBe(bytes);
  return sized;
}

describe('mailbox limits', () => {
  let infrastructure: TestInfrastructure;
  let services: StartedService[];
  let clients: mailbox.MailboxServiceClient[];
  let expiring: mailbox.MailboxServiceClient;

  const enqueue = (envelope: messaging.Envelope, client = clients[0]!) => callGrpc(client.enqueue({ envelope }), DEADLINE_MS);
  const held = async (deviceId: number) =>
    Number(
      (
        await sql<{ count: string }>`select count(*) from envelopes where account_id = ${RECIPIENT} and device_id = ${deviceId}`.execute(
          infrastructure.db,
        )
      ).rows[0]?.count,
    );

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('mailbox_limits');
    const ports = await Promise.all([findFreePorts(1), findFreePorts(1), findFreePorts(1)]);
    const limits = { MAILBOX_MAX_ENVELOPES_PER_DEVICE: String(CAPACITY), MAILBOX_MAX_ENVELOPES_PER_SENDER: String(SENDER_QUOTA) };
    services = await Promise.all([
      // Two replicas of one mailbox, as when scaled: their checks must hold together.
      ...ports
        .slice(0, 2)
        .map((port) => startMailbox(loadConfig(mailboxConfigSchema, { MAILBOX_GRPC_URL: `127.0.0.1:${port}`, ...limits }), infrastructure)),
      startMailbox(
        loadConfig(mailboxConfigSchema, {
          MAILBOX_GRPC_URL: `127.0.0.1:${ports[2]}`,
          MAILBOX_ENVELOPE_TTL_MS: '200',
          MAILBOX_SWEEP_INTERVAL_MS: '100',
          ...limits,
        }),
        infrastructure,
      ),
    ]);
    [clients, expiring] = [
      ports
        .slice(0, 2)
        .map((port) => createGrpcClient(grpcServices.mailbox, { url: `127.0.0.1:${port}`, serviceToken: infrastructure.serviceToken })),
      createGrpcClient(grpcServices.mailbox, { url: `127.0.0.1:${ports[2]}`, serviceToken: infrastructure.serviceToken }),
    ];
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
    await infrastructure.release();
  });

  it('drains a full mailbox of the largest envelopes completely, a page at a time', async () => {
    const device = 1;
    // Device 1's own account sends them, so only the device's capacity applies.
    const sent = Array.from({ length: CAPACITY }, () =>
      envelopeOf(MAX_ENVELOPE_BYTES, { destinationAccount: RECIPIENT, destinationDevice: device, sourceAccount: RECIPIENT }),
    );
    for (const each of sent) expect(await enqueue(each)).toMatchObject({ stored: { duplicate: false } });
    expect(
      await enqueue(testEnvelope({ destinationAccount: RECIPIENT, destinationDevice: device, sourceAccount: RECIPIENT })),
    ).toMatchObject({
      mailboxFull: { capacity: CAPACITY },
    });

    // As the gateway drains: up to 100 a page, from the last sequence seen, until none are left.
    const drained: string[] = [];
    let cursor = 0;
    for (let more = true; more;) {
      const page = await callGrpc(
        clients[0]!.fetch({ accountId: RECIPIENT, deviceId: device, afterSequence: cursor, limit: 100 }),
        DEADLINE_MS,
      );
      expect(page.envelopes.length).toBeGreaterThan(0);
      drained.push(...page.envelopes.map((each) => Buffer.from(each.envelope?.serverGuid ?? []).toString('hex')));
      cursor = page.envelopes.at(-1)?.sequence ?? cursor;
      more = page.hasMore;
      await callGrpc(
        clients[0]!.ack({ accountId: RECIPIENT, deviceId: device, serverGuids: page.envelopes.map((each) => each.envelope!.serverGuid) }),
        DEADLINE_MS,
      );
    }
    expect(drained).toEqual(sent.map((each) => Buffer.from(each.serverGuid).toString('hex')));
    expect(await held(device)).toBe(0);
  });

  it('refuses an envelope larger than one Fetch page can carry, naming its size', async () => {
    const tooLarge = envelopeOf(MAX_ENVELOPE_BYTES + 1, { destinationAccount: RECIPIENT, destinationDevice: 2 });
    await expect(enqueue(tooLarge)).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringContaining(`${MAX_ENVELOPE_BYTES + 1} bytes encoded; at most ${MAX_ENVELOPE_BYTES}`),
    });
    expect(await held(2)).toBe(0);
  });

  it('never stores more than the capacity, however many enqueues race on both replicas', async () => {
    const device = 3;
    const answers = await Promise.all(
      Array.from({ length: 10 * CAPACITY }, (_, index) =>
        enqueue(
          // Many senders, so that the device's capacity, not a sender's quota, is what binds.
          testEnvelope({ destinationAccount: RECIPIENT, destinationDevice: device, sourceAccount: `coming1racer${index}` }),
          clients[index % 2],
        ),
      ),
    );
    expect(answers.filter((answer) => answer.stored !== undefined)).toHaveLength(CAPACITY);
    expect(answers.filter((answer) => answer.mailboxFull !== undefined)).toHaveLength(9 * CAPACITY);
    expect(await held(device)).toBe(CAPACITY);
  });

  it('holds one sender to its quota while others still get through', async () => {
    const device = 4;
    const from = (sourceAccount: string) => testEnvelope({ destinationAccount: RECIPIENT, destinationDevice: device, sourceAccount });
    const flood = Array.from({ length: SENDER_QUOTA }, () => from('coming1flooder'));
    for (const each of flood) expect(await enqueue(each)).toMatchObject({ stored: { duplicate: false } });
    expect(await enqueue(from('coming1flooder'))).toMatchObject({ senderQuotaExceeded: { quota: SENDER_QUOTA } });
    // A resend of something already stored is still a duplicate, not a refusal.
    expect(await enqueue(flood[0]!)).toMatchObject({ stored: { duplicate: true } });
    expect(await enqueue(from('coming1friend'))).toMatchObject({ stored: { duplicate: false } });

    // Once the device acknowledges one, the flooder may queue one more.
    await callGrpc(clients[1]!.ack({ accountId: RECIPIENT, deviceId: device, serverGuids: [flood[0]!.serverGuid] }), DEADLINE_MS);
    expect(await enqueue(from('coming1flooder'))).toMatchObject({ stored: { duplicate: false } });
    expect(await enqueue(from('coming1flooder'))).toMatchObject({ senderQuotaExceeded: { quota: SENDER_QUOTA } });
  });

  it('keeps the holdings exact through duplicates, acknowledgements and expiry', async () => {
    const device = 5;
    const sent = Array.from({ length: 8 }, (_, index) =>
      testEnvelope({ destinationAccount: RECIPIENT, destinationDevice: device, sourceAccount: `coming1mixed${index % 3}` }),
    );
    await Promise.all(sent.map((each) => enqueue(each)));
    await Promise.all(sent.slice(0, 4).map((each) => enqueue(each, clients[1])));
    await callGrpc(
      clients[0]!.ack({
        accountId: RECIPIENT,
        deviceId: device,
        serverGuids: [...sent.slice(0, 3).map((each) => each.serverGuid), randomBytes(16)],
      }),
      DEADLINE_MS,
    );
    const doomed = testEnvelope({ destinationAccount: RECIPIENT, destinationDevice: device, sourceAccount: 'coming1mixed0' });
    await callGrpc(expiring.enqueue({ envelope: doomed }), DEADLINE_MS);
    await eventually(
      async () =>
        (await sql`select 1 from envelopes where server_guid = ${doomed.serverGuid}`.execute(infrastructure.db)).rows.length === 0,
      'the expired envelope to be swept',
    );

    const devices = await sql<{ account_id: string; device_id: number; held: number; counted: number }>`
      select h.account_id, h.device_id, h.held, count(e.sequence)::int as counted
      from mailbox_holdings h left join envelopes e using (account_id, device_id)
      group by h.account_id, h.device_id, h.held`.execute(infrastructure.db);
    expect(devices.rows.length).toBeGreaterThan(0);
    expect(devices.rows.filter((row) => row.held !== row.counted)).toEqual([]);
    const senders = await sql<{ source_account: string; held: number; counted: number }>`
      select h.source_account, h.held, count(e.sequence)::int as counted
      from sender_holdings h left join envelopes e using (account_id, device_id, source_account)
      group by h.account_id, h.device_id, h.source_account, h.held`.execute(infrastructure.db);
    expect(senders.rows.filter((row) => row.held !== row.counted)).toEqual([]);
    const stored = await sql<{ count: number }>`select count(*)::int as count from envelopes
      where source_account <> account_id`.execute(infrastructure.db);
    const counted = await sql<{ held: number }>`select coalesce(sum(held), 0)::int as held from sender_holdings`.execute(infrastructure.db);
    expect(counted.rows[0]?.held).toBe(stored.rows[0]?.count);
  });
});
