import { InvalidArgumentError } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Account } from './account/account';
import { LocalAccount } from './account/local-account';
import type { CliIo } from './cli-io';
import { DaemonAccount } from './daemon/daemon-account';
import { ExitCode } from './exit-codes';
import { unlockHome } from './home/home';

export const DEFAULT_SERVER = 'ws://127.0.0.1:8080';

/** Where the home is and which server it talks to: --home / COMING_HOME, --server / COMING_SERVER. */
export interface Location {
  home: string;
  server: string;
}

/** What every command gets: the streams, the global options, and the account of the home. */
export class CommandContext {
  /** Set by a command that finished but must still report a failure (a refused copy, say). */
  exitCode: ExitCode = ExitCode.Ok;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => { home?: string; server?: string },
  ) {}

  location(): Location {
    const { home, server } = this.globals();
    return {
      home: resolve(home ?? this.io.env['COMING_HOME'] ?? join(homedir(), '.coming')),
      server: server ?? this.io.env['COMING_SERVER'] ?? DEFAULT_SERVER,
    };
  }

  /**
   * The home's account: through the daemon that holds the home, when one runs, else in
   * this process; `receive` false leaves the device's receiving connection alone.
   */
  async account({ receive }: { receive: boolean }): Promise<Account> {
    const { home, server } = this.location();
    const daemon = await DaemonAccount.of(home);
    if (daemon !== undefined) return daemon;
    return LocalAccount.open(await unlockHome(this.io, home), { io: this.io, server, receive });
  }

  /** Runs `use` with the account and closes it, whatever happens. */
  async withAccount<T>(options: { receive: boolean }, use: (account: Account) => Promise<T>): Promise<T> {
    const account = await this.account(options);
    try {
      return await use(account);
    } finally {
      await account.close();
    }
  }
}

/** Commander argument parser for counts and limits. */
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError(`a positive whole number, not "${value}"`);
  return number;
}

/** Commander argument parser for amounts that may be zero, such as a fee cap. */
export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(number)) throw new InvalidArgumentError(`a whole number, 0 or more, not "${value}"`);
  return number;
}

/** Commander argument parser for --timeout: seconds, fractions allowed. */
export function seconds(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`a positive number of seconds, not "${value}"`);
  return number;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}
