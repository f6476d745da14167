// Drain speed: how fast one connecting device receives and acknowledges a stored backlog,
// from the socket opening to QueueEmpty (every envelope pushed, acknowledged, and its
// stored copy deleted). Real PostgreSQL, Redis and NATS; auth, mailbox and the gateway
// run in this process. Figures, not assertions: the machine may be shared.
// Run with `node -r ./tools/register.cjs apps/gateway/bench/drain.bench.ts [envelopes]`;
// GATEWAY_DRAIN_PAGE_SIZE and GATEWAY_DRAIN_WINDOW in the environment override the defaults.
import 'reflect-metadata';
import { wire } from '@coming/proto';
import { envelopeFor, InProcessGateway, type TestSocket } from '../test/in-process-gateway';

const ENVELOPES = Number(process.argv[2] ?? 5_000);
const STORE_CONCURRENCY = 32;
const ACKS_PER_FRAME = 100;

/** Acknowledges like the SDK does: what arrived in one read, in frames of up to 100. */
function acknowledgeInBatches(socket: TestSocket) {
  let pending: Uint8Array[] = [];
  socket.socket.on('message', (data: Buffer) => {
    const envelope = wire.ServerFrame.decode(data).deliver?.envelope;
    if (envelope === undefined) return;
    if (pending.length === 0) {
      setImmediate(() => {
        const guids = pending;
        pending = [];
        for (let start = 0; start < guids.length; start += ACKS_PER_FRAME) {
          void socket.request({ acknowledge: { serverGuids: guids.slice(start, start + ACKS_PER_FRAME) } });
        }
      });
    }
    pending.push(envelope.serverGuid);
  });
}

async function drainRate(gateway: InProcessGateway, acknowledge: 'each' | 'batched', envelopes = ENVELOPES): Promise<number> {
  const device = await gateway.register();
  const backlog = Array.from({ length: envelopes }, () => envelopeFor(device, 256));
  for (let start = 0; start < backlog.length; start += STORE_CONCURRENCY) {
    await Promise.all(backlog.slice(start, start + STORE_CONCURRENCY).map((envelope) => gateway.store(envelope)));
  }
  const started = performance.now();
  const socket = await gateway.connect(device);
  if (acknowledge === 'each') socket.acknowledgeAll();
  else acknowledgeInBatches(socket);
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (socket.queueEmpties === 0) return;
      clearInterval(check);
      resolve();
    }, 1);
  });
  const elapsedMs = performance.now() - started;
  socket.terminate();
  if (socket.delivered.length < envelopes) throw new Error(`only ${socket.delivered.length} of ${envelopes} delivered`);
  return (envelopes * 1000) / elapsedMs;
}

async function main() {
  const settings = ['GATEWAY_DRAIN_PAGE_SIZE', 'GATEWAY_DRAIN_WINDOW'].flatMap((name) => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value] as const];
  });
  const gateway = await InProcessGateway.start('drain-bench', { env: Object.fromEntries(settings) });
  try {
    // Warms up connections, caches and the JIT, so that the first figure is not penalised.
    await drainRate(gateway, 'batched', 200);
    for (const acknowledge of ['batched', 'each'] as const) {
      const rate = await drainRate(gateway, acknowledge);
      console.log(`drain of ${ENVELOPES} stored envelopes, device acknowledging ${acknowledge}: ${Math.round(rate)} msg/s`);
    }
  } finally {
    await gateway.release();
  }
}

void main();
