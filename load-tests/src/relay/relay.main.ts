// The baseline relay as its own process, so that its CPU time and memory can be read apart
// from the generator's: `node -r ./tools/register.cjs load-tests/src/relay/relay.main.ts PORT`.
import { RelayServer } from './relay-server';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: relay.main.ts PORT');
new RelayServer().listen(port, '127.0.0.1').then(
  () => console.error(`relay listening on 127.0.0.1:${port}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
process.on('SIGTERM', () => process.exit(0));
