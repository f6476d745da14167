import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 20_000;
const LISTENING = /Listening for client connections on ([^\s]+):(\d+)/;

/**
 * A nats-server of our own on a port it picks, configured from text, e.g. the
 * authorization block of `natsAuthorizationConfig`. Needs `nats-server` on the PATH (or
 * NATS_SERVER_BIN).
 */
export class NatsServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    /** nats://host:port of the server. */
    readonly url: string,
  ) {}

  static async start(config: string): Promise<NatsServerProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'coming-nats-'));
    const file = join(dir, 'nats.conf');
    // The file holds passwords: readable by this user only.
    await writeFile(file, `host: 127.0.0.1\nport: -1\n${config}`, { mode: 0o600 });
    const child = spawn(process.env['NATS_SERVER_BIN'] ?? 'nats-server', ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      return new NatsServerProcess(child, dir, await listeningUrl(child));
    } catch (error) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Reads the server's log until it says where it listens. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(
      () => reject(new Error(`nats-server did not listen within ${READY_TIMEOUT_MS} ms:\n${log}`)),
      READY_TIMEOUT_MS,
    );
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run nats-server: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with code ${code}:\n${log}`));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = LISTENING.exec(log);
      if (match === null) return;
      clearTimeout(timer);
      // Keep draining the log so that the server never blocks on a full pipe.
      child.stderr?.removeAllListeners('data');
      child.stderr?.resume();
      resolve(`nats://${match[1]}:${match[2]}`);
    });
  });
}
