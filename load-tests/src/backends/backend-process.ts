import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 60_000;

export interface BackendProcessOptions {
  name: string;
  command: string;
  args: string[];
  /** Ready once this loopback port accepts connections. */
  port: number;
  logFile: string;
  spawnOptions?: SpawnOptions;
}

/** A backing server (nats-server, redis-server, postgres) this run owns, which it can kill and start again. */
export class BackendProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;

  constructor(readonly options: BackendProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    const { command, args, logFile, spawnOptions } = this.options;
    this.log ??= createWriteStream(logFile, { flags: 'a' });
    const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await accepts(this.options.port))) {
      if (child.exitCode !== null) throw new Error(`${this.options.name} exited with code ${child.exitCode}; see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`${this.options.name} did not listen on ${this.options.port} in time`);
      await sleep(50);
    }
  }

  /** Sends the signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined || this.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async restart(signal: NodeJS.Signals): Promise<void> {
    await this.stop(signal);
    await this.start();
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
