// NATS request-reply with and without async traces (the `noAsyncTraces` connection option
// NatsBroker sets), against the NATS at NATS_URL (default nats://127.0.0.1:4222): this
// process's CPU time per request, answered and "no responders" (the offline-device case).
// CPU time rather than wall time, since requests wait on the network and the server.
// Run with `node -r ./tools/register.cjs libs/broker/bench/nats-request.bench.ts`.
// Figures, not assertions: the machine may be shared.
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';

const URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const REQUESTS = 3_000;
const ROUNDS = 3;
const SUBJECT = `bench.${randomBytes(4).toString('hex')}`;

async function cpuMicrosecondsPerRequest(noAsyncTraces: boolean, answered: boolean): Promise<number> {
  const requester = await connect({ servers: URL, noAsyncTraces });
  const responder = await connect({ servers: URL });
  const subject = `${SUBJECT}.${answered ? 'answered' : 'nobody'}`;
  if (answered)
    responder.subscribe(subject, {
      callback: (error, message) => {
        if (error === null) message.respond(message.data);
      },
    });
  await responder.flush();
  const payload = new Uint8Array(256);
  const started = process.cpuUsage();
  for (let index = 0; index < REQUESTS; index += 1) {
    await requester.request(subject, payload, { timeout: 1_000 }).catch(() => undefined);
  }
  const { user, system } = process.cpuUsage(started);
  await Promise.all([requester.close(), responder.close()]);
  return (user + system) / REQUESTS;
}

async function main() {
  for (const answered of [true, false]) {
    for (const noAsyncTraces of [false, true]) {
      const figures: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) figures.push(await cpuMicrosecondsPerRequest(noAsyncTraces, answered));
      const best = Math.min(...figures);
      console.log(
        `${answered ? 'answered    ' : 'no responders'}  noAsyncTraces=${String(noAsyncTraces).padEnd(5)}  best of ${ROUNDS}: ${best.toFixed(1)} µs CPU per request`,
      );
    }
  }
}

void main();
