/**
 * Mailbox store and drain throughput against real PostgreSQL, through gRPC as the gateway
 * calls it. Prints figures; asserts nothing.
 *
 *   node -r ./tools/register.cjs apps/mailbox/bench/enqueue.bench.ts
 *
 * BENCH_MESSAGES (default 10000, sent twice: over gRPC, then in process), BENCH_CONCURRENCY (256 calls in flight) and BENCH_DEVICES
 * (1000 recipient devices) shape the load; bodies are 300-byte ciphertexts.
 */
import 'reflect-metadata';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, grpcServices } from '@coming/grpc';
import { type mailbox, messaging } from '@coming/proto';
import { createTestInfrastructure, findFreePorts } from '@coming/testing';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EnvelopesService } from '../src/envelopes/envelopes.service';
import { startMailbox } from '../src/mailbox.app';
import { mailboxConfigSchema } from '../src/mailbox.config';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 10_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 256);
const DEVICES = Number(process.env['BENCH_DEVICES'] ?? 1_000);
const DEADLINE_MS = 60_000;
const PAGE = 100;

const recipientOf = (index: number) => ({ account: `coming1bench${index % DEVICES}`, device: 1 });

function envelopeFor(index: number): messaging.Envelope {
  const { account, device } = recipientOf(index);
  return {
    serverGuid: randomBytes(16),
    sourceAccount: `coming1sender${index % 97}`,
    sourceDevice: 1,
    destinationAccount: account,
    destinationDevice: device,
    clientMessageId: randomBytes(16),
    clientTimestampMs: Date.now(),
    serverTimestampMs: Date.now(),
    contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
    content: Buffer.concat([Buffer.from([0x44]), randomBytes(299)]),
  };
}

/** Runs `task(0..count-1)` with `concurrency` in flight; returns the seconds taken. */
async function timed(count: number, concurrency: number, task: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

function report(what: string, seconds: number) {
  console.log(`${what}: ${MESSAGES} envelopes, ${CONCURRENCY} in flight, ${DEVICES} devices: ${Math.round(MESSAGES / seconds)} msg/s`);
}

async function main() {
  const infrastructure = await createTestInfrastructure('mailbox_bench');
  const url = `127.0.0.1:${await findFreePorts(1)}`;
  const service = await startMailbox(loadConfig(mailboxConfigSchema, { MAILBOX_GRPC_URL: url }), infrastructure);
  const client = createGrpcClient<mailbox.MailboxServiceClient>(grpcServices.mailbox, { url, serviceToken: infrastructure.serviceToken });
  try {
    // Warm up the connection and the database's plans.
    await timed(200, 16, (index) => callGrpc(client.enqueue({ envelope: envelopeFor(index) }), DEADLINE_MS));
    const storeSeconds = await timed(MESSAGES, CONCURRENCY, (index) =>
      callGrpc(client.enqueue({ envelope: envelopeFor(index) }), DEADLINE_MS),
    );
    report('enqueue over gRPC', storeSeconds);
    // The same calls straight into the service: the store path without gRPC's share of the CPU.
    const envelopes = service.app.get(EnvelopesService);
    report('enqueue in process', await timed(MESSAGES, CONCURRENCY, (index) => envelopes.enqueue(envelopeFor(MESSAGES + index))));

    let drained = 0;
    const drainSeconds = await timed(DEVICES, Math.min(CONCURRENCY, DEVICES), async (index) => {
      const { account, device } = recipientOf(index);
      for (let cursor = 0, more = true; more;) {
        const page = await callGrpc(
          client.fetch({ accountId: account, deviceId: device, afterSequence: cursor, limit: PAGE }),
          DEADLINE_MS,
        );
        const serverGuids = page.envelopes.map((each) => each.envelope!.serverGuid);
        await callGrpc(client.ack({ accountId: account, deviceId: device, serverGuids }), DEADLINE_MS);
        drained += serverGuids.length;
        cursor = page.envelopes.at(-1)?.sequence ?? cursor;
        more = page.hasMore;
      }
    });
    console.log(`drain (fetch ${PAGE} + ack): ${drained} envelopes from ${DEVICES} devices: ${Math.round(drained / drainSeconds)} msg/s`);
  } finally {
    await service.close();
    await infrastructure.release();
  }
}

void main();
