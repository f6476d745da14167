import { findFreePorts } from '@coming/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BackendProcess } from '../backends/backend-process';
import type { Target } from './target';

const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..');

/** The baseline relay in a process of its own. */
export async function startRelayTarget(): Promise<Target> {
  const port = await findFreePorts(1);
  const dir = await mkdtemp(join(tmpdir(), 'coming-relay-'));
  const relay = new BackendProcess({
    name: 'relay',
    command: process.execPath,
    args: [
      '-r',
      join(REPOSITORY_ROOT, 'tools', 'register.cjs'),
      join(REPOSITORY_ROOT, 'load-tests', 'src', 'relay', 'relay.main.ts'),
      String(port),
    ],
    port,
    logFile: join(dir, 'relay.log'),
    spawnOptions: { cwd: REPOSITORY_ROOT },
  });
  await relay.start();
  const url = `ws://127.0.0.1:${port}`;
  return {
    label: 'relay',
    senderUrl: url,
    recipientUrl: url,
    serverPids: () => (relay.pid === undefined ? [] : [relay.pid]),
    connectionPids: () => (relay.pid === undefined ? [] : [relay.pid]),
    stop: async () => {
      await relay.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
