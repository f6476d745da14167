// nats-server memory per connected device: one wildcard subscription per device (today's
// layout, device.<account>.<device>.*) against one per kind of event (the former layout:
// deliver, mailbox.stored, presence.connected, keys.low, presence.revoked). Starts a
// nats-server of its own and reads its resident set size. Figures, not assertions.
// Run with `node -r ./tools/register.cjs load-tests/src/micro/device-subscriptions.bench.ts [devices]`.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { NatsBroker, subjects } from '@coming/broker';
import { findFreePorts } from '@coming/testing';

const DEVICES = Number(process.argv[2] ?? 20_000);
const FORMER_KINDS = ['deliver', 'mailbox.stored', 'presence.connected', 'keys.low', 'presence.revoked'];

async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function measure(layout: 'one wildcard' | 'one per kind'): Promise<number> {
  const port = await findFreePorts(1);
  const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve) =>
    server.stderr.on('data', (chunk: Buffer) => chunk.toString().includes('Server is ready') && resolve()),
  );
  const broker = await NatsBroker.connect({ url: `nats://127.0.0.1:${port}`, subjectPrefix: 'bench', name: 'bench' });
  try {
    await broker.ping();
    const before = await residentBytes(server.pid ?? 0);
    for (let device = 0; device < DEVICES; device += 1) {
      const account = `coming1device${device}`;
      const subscribed =
        layout === 'one wildcard' ? [subjects.deviceEvents(account, 1)] : FORMER_KINDS.map((kind) => `${kind}.${account}.1`);
      for (const subject of subscribed) broker.subscribe(subject, () => undefined);
    }
    await broker.ping();
    return ((await residentBytes(server.pid ?? 0)) - before) / DEVICES;
  } finally {
    await broker.close();
    server.kill();
  }
}

async function main() {
  for (const layout of ['one per kind', 'one wildcard'] as const) {
    console.log(`nats-server RSS per subscribed device, ${layout}: ${Math.round(await measure(layout))} B (${DEVICES} devices)`);
  }
}

void main();
