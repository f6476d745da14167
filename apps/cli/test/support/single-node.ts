import { ServiceProcess } from '@coming/stack';
import { findFreePorts } from '@coming/testing';
import { join } from 'node:path';

/** A single node on free ports, its data and log in `scratch`; `env` adds settings (a chain backend, say). */
export async function startSingleNode(
  scratch: string,
  name: string,
  env: Record<string, string> = {},
): Promise<{ node: ServiceProcess; server: string }> {
  const port = await findFreePorts(5);
  const node = new ServiceProcess({
    app: 'single-node',
    name,
    env: { PORT: String(port), COMING_DATA_DIR: join(scratch, 'data'), COMING_INTERNAL_PORT_BASE: String(port + 1), ...env },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    logFile: join(scratch, 'single-node.log'),
  });
  await node.start();
  return { node, server: `ws://127.0.0.1:${port}` };
}
