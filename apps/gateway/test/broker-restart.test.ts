import { eventually, findFreePorts } from '@coming/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeFor, hex, InProcessGateway } from './in-process-gateway';

/** A NATS server of this test's own, so that it can be stopped without disturbing others. */
class OwnNatsServer {
  private process: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = server;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      server.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
    });
  }

  async kill(): Promise<void> {
    const server = this.process;
    if (server === undefined || server.exitCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGKILL');
    await exited;
  }
}

describe('delivery across a NATS restart', () => {
  let nats: OwnNatsServer;
  let gateway: InProcessGateway;

  beforeAll(async () => {
    nats = new OwnNatsServer(await findFreePorts(1));
    await nats.start();
    gateway = await InProcessGateway.start('broker-restart', { natsUrl: nats.url });
  });

  afterAll(async () => {
    await gateway?.release();
    await nats?.kill();
  });

  it('pushes to a connected device what was stored while NATS was down, without it reconnecting', async () => {
    const device = await gateway.register();
    const socket = await gateway.connect(device);
    socket.acknowledgeAll();
    await eventually(() => socket.queueEmpties === 1, 'QueueEmpty');

    await nats.kill();
    // Its stored event is published into a dead connection and lost.
    const storedMeanwhile = envelopeFor(device);
    await gateway.store(storedMeanwhile);
    await nats.start();

    await eventually(() => socket.delivered.some((each) => hex(each.serverGuid) === hex(storedMeanwhile.serverGuid)), 'the envelope');
    expect(socket.closeCode).toBeUndefined();
    await eventually(async () => (await gateway.storedFor(device)) === 0, 'the acknowledged envelope to be deleted');

    // Live delivery works again too: the subscription was restored.
    await eventually(() => gateway.offer(envelopeFor(device), 2_000).catch(() => false), 'a live delivery after the restart');
  });
});
