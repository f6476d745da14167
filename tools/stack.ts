// `npm run stack -- --gateways N`: every service as its own process against the local
// PostgreSQL, Redis and NATS, until Ctrl-C or SIGTERM.
import { ensureDatabase } from '@coming/database';
import { startStack } from '@coming/stack';
import { parseArgs } from 'node:util';

async function main() {
  const { values } = parseArgs({ options: { gateways: { type: 'string', default: '2' } } });
  const gateways = Number(values.gateways);
  if (!Number.isInteger(gateways) || gateways < 1 || gateways > 16) throw new Error('--gateways takes a whole number from 1 to 16');
  const env = process.env;
  const databaseUrl = env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/coming';
  await ensureDatabase(databaseUrl);
  const stack = await startStack({
    gateways,
    gatewayPort: Number(env['GATEWAY_PORT'] ?? 8080),
    internalPortBase: Number(env['COMING_INTERNAL_PORT_BASE'] ?? 50051),
    databaseUrl,
    redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    // With NATS_URL the services log in to that NATS with their own users; without it the
    // stack runs a nats-server of its own that knows those users and their permissions.
    natsUrl: env['NATS_URL'] ?? '',
    ownNats: env['NATS_URL'] === undefined,
    redisKeyPrefix: env['REDIS_KEY_PREFIX'] ?? 'coming:',
    natsSubjectPrefix: env['NATS_SUBJECT_PREFIX'] ?? 'coming',
    logLevel: env['LOG_LEVEL'] ?? 'info',
  });
  const urls = stack.gateways.map((_, index) => stack.gatewayUrl(index)).join(', ');
  console.error(`Coming stack ready: gateways at ${urls}, NATS at ${stack.natsUrl}; Ctrl-C stops it`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`stack failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
