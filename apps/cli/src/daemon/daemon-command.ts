import type { Command } from 'commander';
import type { Writable } from 'node:stream';
import { resolve } from 'node:path';
import { LocalAccount } from '../account/local-account';
import type { CommandContext } from '../command-context';
import { unlockHome } from '../home/home';
import { defaultSocketOf } from './daemon-file';
import { HomeServer, servePeer } from './home-server';
import { SubscriptionHub } from './subscription-hub';

/**
 * `coming daemon`: one unlocked home, one connection kept open, JSON-RPC 2.0 for any
 * number of local clients. While it runs, the other commands on its home go through it.
 * Like ssh-agent, it holds the home unlocked: whoever can open its socket (the user; the
 * socket is 0600, the home 0700) can use the account without the passphrase.
 */
export function addDaemonCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('daemon')
    .description('keep one connection open and serve JSON-RPC 2.0, one object a line; commands on this home then go through it')
    .option('--socket <path>', 'the Unix socket to serve (default: daemon.sock in the home)')
    .option('--stdio', 'serve one client on stdin and stdout instead of a socket')
    .action(async ({ socket, stdio }: { socket?: string; stdio?: boolean }) => {
      const { home: path, server } = context.location();
      const sms = context.smsSetting();
      const home = await unlockHome(io, path);
      const account = await LocalAccount.open(home, { io, server, receive: true, ...(sms === undefined ? {} : { sms }) });
      const hub = new SubscriptionHub();
      let listener: HomeServer | undefined;
      try {
        await new Promise<void>((done, fail) => {
          io.interrupted.addEventListener('abort', () => done(), { once: true });
          if (stdio === true) {
            servePeer(io.stdin, io.stdout as Writable, account, hub, done);
            io.stderr.write(`daemon: serving ${path} on stdin and stdout\n`);
          } else {
            const socketPath = resolve(socket ?? defaultSocketOf(path));
            HomeServer.start(socketPath, path, account, hub)
              .then((server) => {
                listener = server;
                io.stderr.write(`daemon: serving ${path} on ${socketPath}\n`);
              })
              .catch(fail);
          }
          account.subscribe(hub.subscriber(fail), {}).catch(fail);
        });
      } finally {
        await listener?.stop();
        await account.close();
      }
    });
}
