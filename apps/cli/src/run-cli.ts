import { ClientError, ClientErrorCode, ComingClient, FileClientStore } from '@coming/client';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listen } from './listen-command';
import { reportWarnings } from './report-warnings';

const USAGE = `usage: coming [--home DIR] [--server URL] <command>

commands:
  init [--mnemonic "words…"]     create an identity (or restore one); prints the account ID last
  whoami                         print this identity's account ID
  send ACCOUNT_ID TEXT           send a message; exits 0 once the server has acknowledged it
  listen [--count N] [--timeout SECONDS] [--json]
                                 print incoming messages until N arrived or the timeout passed

options:
  --home DIR      where the identity lives (env COMING_HOME, default ~/.coming)
  --server URL    gateway to use (env COMING_SERVER, default ws://127.0.0.1:8080)`;

/** Runs one command; resolves with the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        home: { type: 'string' },
        server: { type: 'string' },
        mnemonic: { type: 'string' },
        count: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const options = {
    store: new FileClientStore(values.home ?? process.env['COMING_HOME'] ?? join(homedir(), '.coming')),
    server: values.server ?? process.env['COMING_SERVER'] ?? 'ws://127.0.0.1:8080',
  };
  try {
    switch (command) {
      case 'init': {
        const client = await ComingClient.create(options, values.mnemonic);
        if (values.mnemonic === undefined) {
          process.stderr.write(`Recovery phrase (write it down; it is your whole account):\n${client.mnemonic}\n`);
        }
        await client
          .register()
          .catch((error: unknown) => {
            if (!(error instanceof ClientError && error.code === ClientErrorCode.ServerUnreachable)) throw error;
            process.stderr.write(`warning: ${error.message}\nThe identity is saved; it registers on its first connection.\n`);
          })
          .finally(() => client.close());
        process.stdout.write(`${client.accountId}\n`);
        return 0;
      }
      case 'whoami':
        process.stdout.write(`${(await ComingClient.open(options)).accountId}\n`);
        return 0;
      case 'send': {
        const [to, text] = rest;
        if (to === undefined || text === undefined || rest.length > 2) return usageError('send takes ACCOUNT_ID and TEXT (quote the text)');
        // Send-only: a listen running on the same home keeps its connection.
        const client = await ComingClient.open({ ...options, receive: false });
        reportWarnings(client);
        try {
          await client.send(to, text);
        } finally {
          await client.close();
        }
        return 0;
      }
      case 'listen': {
        const count = optionalNumber(values.count, '--count');
        const timeout = optionalNumber(values.timeout, '--timeout');
        if (typeof count === 'string') return usageError(count);
        if (typeof timeout === 'string') return usageError(timeout);
        await listen(await ComingClient.open(options), { count, timeoutSeconds: timeout, json: values.json });
        return 0;
      }
      default:
        return usageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 1;
  }
}

function optionalNumber(value: string | undefined, name: string): number | undefined | string {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : `${name} takes a positive number, got "${value}"`;
}

function usageError(message: string): number {
  process.stderr.write(`error: ${message}\n\n${USAGE}\n`);
  return 2;
}
