// What one message costs through `coming daemon` against one `coming send` process per
// message: the installed CLI (the bundle), a single node this starts, alice sending to bob
// (whose own daemon acknowledges live). Wall time per message, sequential, figures not
// assertions. Run with
// `node -r ./tools/register.cjs load-tests/src/micro/cli-daemon.bench.ts [messages]`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { JSONRPCClient } from 'json-rpc-2.0';
import { ServiceProcess } from '@coming/stack';
import { findFreePorts } from '@coming/testing';

const MESSAGES = Number(process.argv[2] ?? 30);
const ROOT = resolve(__dirname, '..', '..', '..');
const COMING = join(ROOT, 'apps', 'cli', 'dist', 'coming.cjs');
const run = promisify(execFile);

async function main() {
  await run(process.execPath, [join(ROOT, 'apps', 'cli', 'bundle.mjs')]);
  const scratch = await mkdtemp(join(tmpdir(), 'coming-cli-bench-'));
  const port = await findFreePorts(5);
  const node = new ServiceProcess({
    app: 'single-node',
    name: 'single-node',
    env: { PORT: String(port), COMING_DATA_DIR: join(scratch, 'data'), COMING_INTERNAL_PORT_BASE: String(port + 1), LOG_LEVEL: 'warn' },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  });
  const env = { ...process.env, COMING_SERVER: `ws://127.0.0.1:${port}`, COMING_PASSPHRASE: 'bench' };
  const coming = async (home: string, ...args: string[]) =>
    (await run(process.execPath, [COMING, '--home', join(scratch, home), ...args], { env })).stdout.trim();
  const daemons: ChildProcess[] = [];
  const daemon = async (home: string) => {
    const child = spawn(process.execPath, [COMING, '--home', join(scratch, home), 'daemon'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    daemons.push(child);
    await new Promise<void>((ready) => child.stderr.on('data', (chunk: Buffer) => chunk.toString().includes('daemon: serving') && ready()));
    return join(scratch, home, 'daemon.sock');
  };
  try {
    await node.start();
    await coming('alice', 'init');
    const bob = (await coming('bob', 'init')).split('\n').pop() ?? '';
    await coming('alice', 'contact', 'add', 'bob', bob);
    await daemon('bob');

    const processStart = Date.now();
    for (let index = 0; index < MESSAGES; index += 1) await coming('alice', 'send', 'bob', `process ${index}`);
    const perProcess = (Date.now() - processStart) / MESSAGES;

    const rpc = await rpcClient(await daemon('alice'));
    const daemonStart = Date.now();
    for (let index = 0; index < MESSAGES; index += 1) await rpc.request('send', { to: 'bob', text: `daemon ${index}` });
    const perDaemon = (Date.now() - daemonStart) / MESSAGES;

    console.log(`coming send, one process per message: ${perProcess.toFixed(1)} ms a message (${MESSAGES} messages)`);
    console.log(`coming daemon, JSON-RPC send on one socket: ${perDaemon.toFixed(1)} ms a message (${MESSAGES} messages)`);
    console.log(`ratio: ${(perProcess / perDaemon).toFixed(1)}x`);
  } finally {
    daemons.forEach((child) => child.kill('SIGINT'));
    await node.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function rpcClient(socketPath: string): Promise<JSONRPCClient> {
  const socket = connect(socketPath);
  await new Promise((connected) => socket.once('connect', connected));
  const client = new JSONRPCClient((request) => void socket.write(`${JSON.stringify(request)}\n`));
  createInterface({ input: socket }).on('line', (line) => client.receive(JSON.parse(line) as Parameters<JSONRPCClient['receive']>[0]));
  return client;
}

void main();
