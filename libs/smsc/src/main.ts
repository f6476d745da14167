// `npm run smsc`: a local SMS centre on 127.0.0.1 for trying the SMS transport by hand, until
// Ctrl-C. Any system ID and password bind (it is open); an ESME binds for the E.164 number in
// its bind's address_range, e.g. smpp://alice:secret@127.0.0.1:2775 for +15550001.
import { DEFAULT_SMPP_PORT } from '@coming/sms';
import { parseArgs } from 'node:util';
import { startSmsc } from './smsc';

async function main() {
  const { values } = parseArgs({ options: { port: { type: 'string', default: String(DEFAULT_SMPP_PORT) } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error('--port takes a port from 1 to 65535');
  const smsc = await startSmsc({ port, accounts: 'open' });
  console.error(`SMSC at ${smsc.url} (open: any system ID binds for the number in its address_range); Ctrl-C stops it`);
  const stop = () => {
    smsc.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
