import type { Command } from 'commander';
import { chmod, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Account } from '../account/account';
import { LocalAccount } from '../account/local-account';
import { CliError } from '../cli.errors';
import type { CommandContext } from '../command-context';
import { ExitCode } from '../exit-codes';
import { unlockHome } from '../home/home';
import { daemonMethods, type Notify } from './daemon-methods';
import { defaultSocketOf, readDaemonFile, removeDaemonFile, writeDaemonFile } from './daemon-file';
import { notification, readLines } from './json-lines';
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
      const home = await unlockHome(io, path);
      const account = await LocalAccount.open(home, { io, server, receive: true });
      const hub = new SubscriptionHub();
      let listener: Server | undefined;
      try {
        await new Promise<void>((done, fail) => {
          io.interrupted.addEventListener('abort', () => done(), { once: true });
          if (stdio === true) {
            servePeer(io.stdin, io.stdout as Writable, account, hub, done);
            io.stderr.write(`daemon: serving ${path} on stdin and stdout\n`);
          } else {
            const socketPath = resolve(socket ?? defaultSocketOf(path));
            listen(socketPath, path, account, hub)
              .then((server) => {
                listener = server;
                io.stderr.write(`daemon: serving ${path} on ${socketPath}\n`);
              })
              .catch(fail);
          }
          account.subscribe(hub.subscriber(fail), {}).catch(fail);
        });
      } finally {
        if (listener !== undefined) {
          listener.close();
          await removeDaemonFile(path);
        }
        await account.close();
      }
    });
}

async function listen(socketPath: string, home: string, account: Account, hub: SubscriptionHub): Promise<Server> {
  const running = await readDaemonFile(home);
  if (running !== undefined && (await answers(running.socket))) {
    throw new CliError(ExitCode.Failure, `a daemon (pid ${running.pid}) already serves this home on ${running.socket}`);
  }
  if (await answers(socketPath)) throw new CliError(ExitCode.Failure, `something already listens on ${socketPath}`);
  // Left behind by a daemon that was killed: nobody answers on it.
  await rm(socketPath, { force: true });
  const server = createServer((socket) => {
    // A client that went away mid-answer is its own business.
    socket.on('error', () => socket.destroy());
    servePeer(socket, socket, account, hub, () => socket.end());
  });
  await new Promise<void>((listening, fail) => server.once('error', fail).listen(socketPath, listening));
  await chmod(socketPath, 0o600);
  await writeDaemonFile(home, { pid: process.pid, socket: socketPath });
  return server;
}

/** Serves JSON-RPC on one duplex pair until its input ends and every request it carried is answered. */
function servePeer(input: Readable, output: Writable, account: Account, hub: SubscriptionHub, ended: () => void): void {
  const notify: Notify = (method, params) => output.write(notification(method, params));
  const server = daemonMethods(account, hub, notify);
  const answering = new Set<PromiseLike<void>>();
  readLines(input, (line) => {
    const answer = server.receiveJSON(line).then((response) => {
      if (response !== null) output.write(`${JSON.stringify(response)}\n`);
      answering.delete(answer);
    });
    answering.add(answer);
  });
  input.once('close', () => {
    hub.remove(notify);
    // A script piping requests into --stdio closes its side at once; its sends still get answered.
    void Promise.all(answering).then(ended);
  });
}

/** True when something accepts connections on the socket. */
export function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolveAnswer(true);
    });
    probe.once('error', () => resolveAnswer(false));
  });
}
