import { type Stack, startStack } from '@coming/stack';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { findFreePorts } from './free-ports';
import { createTestBackends, NATS_URL, REDIS_URL, type TestBackends } from './test-backends';

export interface TestStack extends Stack {
  backends: TestBackends;
  /** One log file per process, and one span file per process when traced. */
  logDir: string;
  /** Runs SQL against the stack's database. */
  query<Row>(text: string, values?: unknown[]): Promise<Row[]>;
  release(): Promise<void>;
}

/** The scaled stack as separate processes, on a test file's own database and prefixes. */
export async function startTestStack(
  label: string,
  options: { gateways?: number; env?: Record<string, string>; traced?: boolean; ownNats?: boolean } = {},
): Promise<TestStack> {
  const backends = await createTestBackends(label);
  const logDir = await mkdtemp(join(tmpdir(), `coming-${label}-`));
  const gateways = options.gateways ?? 1;
  // One search for all the ports: two searches could each find the other's ports free.
  const ports = await findFreePorts(gateways + 8 + gateways);
  const stack = await startStack({
    gateways,
    gatewayPort: ports,
    internalPortBase: ports + gateways,
    databaseUrl: backends.databaseUrl,
    redisUrl: REDIS_URL,
    natsUrl: NATS_URL,
    ownNats: options.ownNats ?? false,
    redisKeyPrefix: backends.redisKeyPrefix,
    natsSubjectPrefix: backends.natsSubjectPrefix,
    logLevel: 'info',
    logDir,
    ...(options.traced === true ? { traceDir: logDir } : {}),
    env: options.env ?? {},
  });
  const db = new Client({ connectionString: backends.databaseUrl });
  await db.connect();
  return {
    ...stack,
    backends,
    logDir,
    query: async <Row>(text: string, values: unknown[] = []) => (await db.query(text, values)).rows as Row[],
    release: async () => {
      await db.end();
      await stack.stop();
      await backends.release();
      await rm(logDir, { recursive: true, force: true });
    },
  };
}
