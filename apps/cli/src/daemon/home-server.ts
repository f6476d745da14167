import { chmod, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { Account } from '../account/account';
import { CliError } from '../cli.errors';
import { ExitCode } from '../exit-codes';
import { daemonMethods, type Notify } from './daemon-methods';
import { readDaemonFile, removeDaemonFile, writeDaemonFile } from './daemon-file';
import { notification, readLines } from './json-lines';
import type { SubscriptionHub } from './subscription-hub';

/**
 * The home's account served on a Unix socket, JSON-RPC 2.0 a line, with `daemon.json` in the
 * home saying where: while it runs, the other commands on the home go through it.
 */
export class HomeServer {
  private constructor(
    private readonly server: Server,
    private readonly home: string,
  ) {}

  static async start(socketPath: string, home: string, account: Account, hub: SubscriptionHub): Promise<HomeServer> {
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
    return new HomeServer(server, home);
  }

  async stop(): Promise<void> {
    this.server.close();
    await removeDaemonFile(this.home);
  }
}

/** Serves JSON-RPC on one duplex pair until its input ends and every request it carried is answered. */
export function servePeer(input: Readable, output: Writable, account: Account, hub: SubscriptionHub, ended: () => void): void {
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
