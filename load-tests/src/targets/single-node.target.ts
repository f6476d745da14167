import { ServiceProcess } from '@coming/stack';
import { findFreePorts } from '@coming/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from './target';

/** `npm start`'s single node (PGlite, in-process broker and cache) on free ports and a fresh data folder. */
export async function startSingleNodeTarget(): Promise<Target> {
  const [port, internalPortBase] = [await findFreePorts(1), await findFreePorts(4)];
  const dir = await mkdtemp(join(tmpdir(), 'coming-single-node-'));
  const node = new ServiceProcess({
    app: 'single-node',
    name: 'single-node',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      COMING_DATA_DIR: join(dir, 'data'),
      COMING_INTERNAL_PORT_BASE: String(internalPortBase),
      LOG_LEVEL: 'warn',
    },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    logFile: join(dir, 'single-node.log'),
  });
  await node.start();
  const url = `ws://127.0.0.1:${port}`;
  return {
    label: 'single node',
    senderUrl: url,
    recipientUrl: url,
    serverPids: () => (node.pid === undefined ? [] : [node.pid]),
    connectionPids: () => (node.pid === undefined ? [] : [node.pid]),
    stop: async () => {
      await node.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
