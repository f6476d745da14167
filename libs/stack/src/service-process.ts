import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..');
// Several services boot at once, each compiling its sources through SWC: on a loaded
// machine that takes a while. The process exiting ends the wait at once.
const READY_TIMEOUT_MS = 120_000;

export interface ServiceProcessOptions {
  /** App folder under apps/, e.g. "gateway". */
  app: string;
  /** A name for logs, e.g. "gateway-2". */
  name: string;
  env: Record<string, string>;
  /** Polled until it answers 200 after each start. */
  readyUrl: string;
  /** Where stdout and stderr go; inherited when unset. */
  logFile?: string;
}

/** One service running as its own Node process, which can be killed and started again. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;

  constructor(readonly options: ServiceProcessOptions) {}

  async start(): Promise<void> {
    const { app, env, logFile } = this.options;
    this.log ??= logFile === undefined ? undefined : createWriteStream(logFile, { flags: 'a' });
    const child = spawn(
      process.execPath,
      ['-r', join(REPOSITORY_ROOT, 'tools', 'register.cjs'), join(REPOSITORY_ROOT, 'apps', app, 'src', 'main.ts')],
      {
        cwd: REPOSITORY_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', this.log === undefined ? 'inherit' : 'pipe', this.log === undefined ? 'inherit' : 'pipe'],
      },
    );
    if (this.log !== undefined) {
      child.stdout?.pipe(this.log, { end: false });
      child.stderr?.pipe(this.log, { end: false });
    }
    this.child = child;
    await this.waitReady(child);
  }

  /** The running process's ID, for tools that read its CPU time or memory. */
  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill(signal);
    await exited;
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.options.name} exited (${child.exitCode ?? child.signalCode}) while starting`);
      }
      // Bounded, so that a probe stuck on a half-started process cannot outlast the deadline.
      const ready = await fetch(this.options.readyUrl, { signal: AbortSignal.timeout(10_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      await sleep(100);
    }
    throw new Error(`${this.options.name} was not ready within ${READY_TIMEOUT_MS} ms`);
  }
}
