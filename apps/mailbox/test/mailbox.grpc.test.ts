import { subjects } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, GrpcCallError, GrpcStatus, grpcServices } from '@coming/grpc';
import { events, type mailbox, type messaging } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import {
  createTestInfrastructure,
  type DeclaredColumns,
  tableColumnMismatches,
  eventually,
  findFreePorts,
  redisEntries,
  type TestInfrastructure,
} from '@coming/testing';
import * as grpcJs from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailbox } from '../src/mailbox.app';
import { mailboxConfigSchema } from '../src/mailbox.config';
import type { MailboxDatabase } from '../src/mailbox.database';
import { testEnvelope } from './test-envelopes';

const CAPACITY = 3;
const ACCOUNT = 'coming1recipient';
// A deadline a loaded machine meets: it guards against a hang, not against slowness.
const DEADLINE_MS = 30_000;

// Every column the table types declare; the compiler keeps this in step with them.
const DECLARED_COLUMNS = {
  envelopes: {
    sequence: true,
    server_guid: true,
    account_id: true,
    device_id: true,
    source_account: true,
    envelope: true,
    created_at: true,
    expires_at: true,
  },
  mailbox_holdings: { account_id: true, device_id: true, held: true },
  sender_holdings: { account_id: true, device_id: true, source_account: true, held: true },
} satisfies DeclaredColumns<MailboxDatabase>;

const envelope = (device: number, overrides: Partial<messaging.Envelope> = {}) =>
  testEnvelope({ destinationAccount: ACCOUNT, destinationDevice: device, ...overrides });

describe('mailbox gRPC service', () => {
  let infrastructure: TestInfrastructure;
  let services: StartedService[];
  let client: mailbox.MailboxServiceClient;
  let expiringClient: mailbox.MailboxServiceClient;
  let url: string;

  const rows = async () => Number((await sql<{ count: string }>`select count(*) from envelopes`.execute(infrastructure.db)).rows[0]?.count);
  const statusOf = (promise: Promise<unknown>) =>
    promise.then(
      () => GrpcStatus.OK,
      (error: GrpcCallError) => error.code,
    );

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('mailbox');
    // One search for both ports: two searches could find the same port free.
    const port = await findFreePorts(2);
    const expiringPort = port + 1;
    url = `127.0.0.1:${port}`;
    // Two replicas booting at once on an empty database: migrations must apply once.
    services = await Promise.all([
      startMailbox(
        loadConfig(mailboxConfigSchema, { MAILBOX_GRPC_URL: url, MAILBOX_MAX_ENVELOPES_PER_DEVICE: String(CAPACITY) }),
        infrastructure,
      ),
      startMailbox(
        loadConfig(mailboxConfigSchema, {
          MAILBOX_GRPC_URL: `127.0.0.1:${expiringPort}`,
          MAILBOX_ENVELOPE_TTL_MS: '300',
          MAILBOX_SWEEP_INTERVAL_MS: '100',
        }),
        infrastructure,
      ),
    ]);
    client = createGrpcClient(grpcServices.mailbox, { url, serviceToken: infrastructure.serviceToken });
    expiringClient = createGrpcClient(grpcServices.mailbox, {
      url: `127.0.0.1:${expiringPort}`,
      serviceToken: infrastructure.serviceToken,
    });
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
    await infrastructure.release();
  });

  it('has exactly the columns its table types declare', async () => {
    expect(await tableColumnMismatches(infrastructure.db, DECLARED_COLUMNS)).toEqual([]);
  });

  it('stores an envelope once however often it is enqueued, and announces it', async () => {
    const stored = envelope(1);
    const announced = new Promise<Uint8Array>((resolve) =>
      infrastructure.broker.subscribe(subjects.mailboxStored(ACCOUNT, 1), (message) =>
        resolve(events.MailboxStored.decode(message.data).serverGuid),
      ),
    );
    expect(await callGrpc(client.enqueue({ envelope: stored }), DEADLINE_MS)).toMatchObject({ stored: { duplicate: false } });
    expect(await callGrpc(client.enqueue({ envelope: stored }), DEADLINE_MS)).toMatchObject({ stored: { duplicate: true } });
    expect(Buffer.from(await announced)).toEqual(Buffer.from(stored.serverGuid));
    const page = await callGrpc(client.fetch({ accountId: ACCOUNT, deviceId: 1, afterSequence: 0, limit: 10 }), DEADLINE_MS);
    expect(page.envelopes).toHaveLength(1);
    expect(Buffer.from(page.envelopes[0]?.envelope?.content ?? [])).toEqual(Buffer.from(stored.content));
  });

  it('pages in arrival order', async () => {
    const sent = [envelope(2), envelope(2), envelope(2)];
    for (const each of sent) await callGrpc(client.enqueue({ envelope: each }), DEADLINE_MS);

    const first = await callGrpc(client.fetch({ accountId: ACCOUNT, deviceId: 2, afterSequence: 0, limit: 2 }), DEADLINE_MS);
    expect(first.hasMore).toBe(true);
    const cursor = first.envelopes.at(-1)?.sequence ?? 0;
    const second = await callGrpc(client.fetch({ accountId: ACCOUNT, deviceId: 2, afterSequence: cursor, limit: 2 }), DEADLINE_MS);
    expect(second.hasMore).toBe(false);
    const guids = [...first.envelopes, ...second.envelopes].map((each) => Buffer.from(each.envelope?.serverGuid ?? []).toString('hex'));
    expect(guids).toEqual(sent.map((each) => Buffer.from(each.serverGuid).toString('hex')));
  });

  it('refuses envelopes beyond the per-device cap', async () => {
    for (let count = 0; count < CAPACITY; count += 1) await callGrpc(client.enqueue({ envelope: envelope(3) }), DEADLINE_MS);
    expect(await callGrpc(client.enqueue({ envelope: envelope(3) }), DEADLINE_MS)).toMatchObject({ mailboxFull: { capacity: CAPACITY } });
  });

  it('deletes acknowledged envelopes, and never puts a copy in Redis', async () => {
    const acked = envelope(4);
    await callGrpc(client.enqueue({ envelope: acked }), DEADLINE_MS);
    const before = await rows();
    const cached = [...(await redisEntries(infrastructure.backends.redisKeyPrefix)).values()];
    expect(cached.filter((value) => value.includes(Buffer.from(acked.content)))).toEqual([]);

    const answer = await callGrpc(
      client.ack({ accountId: ACCOUNT, deviceId: 4, serverGuids: [acked.serverGuid, randomBytes(16)] }),
      DEADLINE_MS,
    );
    expect(answer).toEqual({ deleted: 1 });
    expect(await rows()).toBe(before - 1);
  });

  it('drops expired envelopes', async () => {
    const expiring = envelope(5);
    await callGrpc(expiringClient.enqueue({ envelope: expiring }), DEADLINE_MS);
    await eventually(async () => {
      const page = await callGrpc(client.fetch({ accountId: ACCOUNT, deviceId: 5, afterSequence: 0, limit: 10 }), DEADLINE_MS);
      const left = await sql`select 1 from envelopes where server_guid = ${expiring.serverGuid}`.execute(infrastructure.db);
      return page.envelopes.length === 0 && left.rows.length === 0;
    }, 'the expired envelope to be swept');
  });

  it('names the field of an invalid request', async () => {
    const badGuid = callGrpc(client.enqueue({ envelope: envelope(1, { serverGuid: new Uint8Array(3) }) }), DEADLINE_MS);
    await expect(badGuid).rejects.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringMatching(/server_guid must be 16 bytes/),
    });
    const badLimit = callGrpc(client.fetch({ accountId: ACCOUNT, deviceId: 1, afterSequence: 0, limit: 0 }), DEADLINE_MS);
    await expect(badLimit).rejects.toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, message: expect.stringMatching(/limit/) });
  });

  it('answers the standard gRPC health check without a service token', async () => {
    type HealthClient = grpcJs.Client & {
      check(request: { service: string }, callback: (error: Error | null, response: { status: string }) => void): void;
    };
    const loaded = grpcJs.loadPackageDefinition(await protoLoader.load(healthProtoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: new (address: string, credentials: grpcJs.ChannelCredentials) => HealthClient } } };
    };
    const Health = loaded.grpc.health.v1.Health;
    const health = new Health(url, grpcJs.credentials.createInsecure());
    const check = (service: string) =>
      new Promise<string>((resolve, reject) =>
        health.check({ service }, (error, response) => (error ? reject(error) : resolve(response.status))),
      );
    expect(await check('')).toBe('SERVING');
    expect(await check('coming.mailbox.v1.MailboxService')).toBe('SERVING');
    await expect(check('no.such.Service')).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
    health.close();
  });

  it('refuses calls without the service token', async () => {
    const intruder = createGrpcClient<mailbox.MailboxServiceClient>(grpcServices.mailbox, { url, serviceToken: 'not-the-token' });
    expect(await statusOf(callGrpc(intruder.fetch({ accountId: ACCOUNT, deviceId: 1, afterSequence: 0, limit: 1 }), DEADLINE_MS))).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
  });
});
