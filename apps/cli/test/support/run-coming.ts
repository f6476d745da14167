import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli';

/** How long a running command's output is waited for before the wait fails, naming what it waited for. */
const WAIT_LIMIT_MS = 90_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Both streams' lines in the order they were written, "out: …" or "err: …". */
  events: string[];
}

export interface RunOptions {
  env: Record<string, string>;
  /** Standard input; ended at once when absent. */
  stdin?: string;
}

/**
 * One `coming` command line, run in this process as main.ts runs it (the streams and the
 * environment are the test's), so that a test pays for no process start or compilation.
 */
export class ComingRun {
  readonly finished: Promise<CliResult>;
  private stdout = '';
  private stderr = '';
  private readonly events: string[] = [];
  private readonly interrupt = new AbortController();
  private readonly watchers = new Set<() => void>();
  private done = false;

  constructor(args: string[], { env, stdin }: RunOptions) {
    const input = new PassThrough();
    input.end(stdin ?? '');
    const stream = (name: 'out' | 'err') => ({
      write: (text: string) => {
        if (name === 'out') this.stdout += text;
        else this.stderr += text;
        for (const line of text.split('\n').filter((each) => each !== '')) this.events.push(`${name}: ${line}`);
        this.watchers.forEach((watcher) => watcher());
        return true;
      },
    });
    this.finished = runCli(args, {
      stdin: input,
      stdinIsTTY: false,
      stdoutIsTTY: false,
      stdout: stream('out'),
      stderr: stream('err'),
      env,
      interrupted: this.interrupt.signal,
    }).then((code) => {
      this.done = true;
      this.watchers.forEach((watcher) => watcher());
      return { code, stdout: this.stdout, stderr: this.stderr, events: this.events };
    });
  }

  /** Resolves once stderr holds `text`; fails if the command ends first. */
  saysOnStderr(text: string): Promise<void> {
    return this.until(() => this.stderr.includes(text), `stderr to say "${text}"`);
  }

  /** Resolves with the first whole line on stdout that passes `test`. */
  async printedLine(test: (line: string) => boolean, what: string): Promise<string> {
    const found = () => this.stdout.split('\n').slice(0, -1).find(test);
    await this.until(() => found() !== undefined, what);
    return found() ?? '';
  }

  /** Resolves once stdout has `count` lines. */
  printedLines(count: number): Promise<void> {
    return this.until(() => this.stdout.split('\n').length > count, `${count} lines on stdout`);
  }

  /** The first line on stdout, once it is there. */
  async firstLine(): Promise<string> {
    await this.printedLines(1);
    return this.stdout.split('\n')[0] ?? '';
  }

  /** Ctrl-C. */
  stop(): Promise<CliResult> {
    this.interrupt.abort();
    return this.finished;
  }

  private until(condition: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      // Under the tests' own timeouts, so that a wait that never ends names what it waited for.
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`timed out after ${WAIT_LIMIT_MS / 1000} s waiting for ${what}; stderr so far: ${this.stderr}`));
      }, WAIT_LIMIT_MS);
      const check = () => {
        if (condition()) {
          this.watchers.delete(check);
          clearTimeout(timer);
          resolve();
        } else if (this.done) {
          this.watchers.delete(check);
          clearTimeout(timer);
          reject(new Error(`the command ended before ${what}: ${this.stderr}`));
        }
      };
      this.watchers.add(check);
      check();
    });
  }
}

/**
 * A `coming` bound to a server and passphrase: `coming('alice', 'send', 'bob', 'hi')`. The
 * server may differ by home (each home on its own gateway of a scaled stack).
 */
export function comingFor(
  base: () => { server: string | ((home: string) => string); scratch: string; passphrase?: string; env?: Record<string, string> },
) {
  const envOf = (home: string, extra: Record<string, string> = {}) => {
    const { server, passphrase, env } = base();
    return {
      COMING_SERVER: typeof server === 'string' ? server : server(home),
      ...(passphrase === undefined ? {} : { COMING_PASSPHRASE: passphrase }),
      ...env,
      ...extra,
    };
  };
  const argsOf = (home: string, args: string[]) => ['--home', `${base().scratch}/${home}`, ...args];
  return {
    run: (home: string, args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
      new ComingRun(argsOf(home, args), {
        env: envOf(home, options.env),
        ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      }),
    coming: (home: string, ...args: string[]) => new ComingRun(argsOf(home, args), { env: envOf(home) }).finished,
  };
}

/** The account ID `init` printed last. */
export function accountIdOf(result: CliResult): string {
  return result.stdout.trim().split('\n').pop() ?? '';
}

/** Makes identities in the homes "alice" and "bob", each the other's contact by that name. */
export async function initAliceAndBob(coming: (home: string, ...args: string[]) => Promise<CliResult>): Promise<void> {
  const ids: Record<string, string> = {};
  for (const home of ['alice', 'bob']) ids[home] = accountIdOf(await coming(home, 'init'));
  await coming('alice', 'contact', 'add', 'bob', ids['bob'] ?? '');
  await coming('bob', 'contact', 'add', 'alice', ids['alice'] ?? '');
}
