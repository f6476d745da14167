import { InvalidArgumentError } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Account } from './account/account';
import { LocalAccount } from './account/local-account';
import type { CliIo } from './cli-io';
import { DaemonAccount } from './daemon/daemon-account';
import { ExitCode } from './exit-codes';
import { unlockHome } from './home/home';
import { CliError } from './cli.errors';
import { PHONE_VARIABLE, SMS_VARIABLE, type SmsSetting } from './sms/sms-carrier-of';

export const DEFAULT_SERVER = 'ws://127.0.0.1:8080';

/** Where the home is and which server it talks to: --home / COMING_HOME, --server / COMING_SERVER. */
export interface Location {
  home: string;
  server: string;
}

/** The global options as commander parses them. */
export interface GlobalOptions {
  home?: string;
  server?: string;
  sms?: string;
  phone?: string;
}

/** How a command uses the account. */
export interface AccountUse {
  /** False leaves the device's receiving connection alone (a one-off send beside a listener). */
  receive: boolean;
  /** True for the commands that carry messages (send, listen, the daemon): they open the SMS carrier, if one is set. */
  messages?: boolean;
}

/** What every command gets: the streams, the global options, and the account of the home. */
export class CommandContext {
  /** Set by a command that finished but must still report a failure (a refused copy, say). */
  exitCode: ExitCode = ExitCode.Ok;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalOptions,
  ) {}

  location(): Location {
    const { home, server } = this.globals();
    return {
      home: resolve(home ?? this.io.env['COMING_HOME'] ?? join(homedir(), '.coming')),
      server: server ?? this.io.env['COMING_SERVER'] ?? DEFAULT_SERVER,
    };
  }

  /**
   * --sms / COMING_SMS with --phone / COMING_PHONE: SMS beside the server, for the commands
   * that send and receive messages; the others ignore it.
   */
  smsSetting(): SmsSetting | undefined {
    const { sms, phone } = this.globals();
    const url = sms ?? this.io.env[SMS_VARIABLE];
    const ownNumber = phone ?? this.io.env[PHONE_VARIABLE];
    if (url === undefined) return undefined;
    if (ownNumber === undefined) {
      throw new CliError(ExitCode.Usage, `--sms needs this device's own number: --phone +E164 (or ${PHONE_VARIABLE})`);
    }
    return { url, phone: ownNumber };
  }

  /**
   * The home's account: through the daemon that holds the home, when one runs, else in
   * this process; `receive` false leaves the device's receiving connection alone.
   */
  async account({ receive, messages = false }: AccountUse): Promise<Account> {
    const { home, server } = this.location();
    const sms = messages ? this.smsSetting() : undefined;
    const daemon = await DaemonAccount.of(home);
    if (daemon !== undefined) return daemon;
    return LocalAccount.open(await unlockHome(this.io, home), {
      io: this.io,
      server,
      receive,
      ...(sms === undefined ? {} : { sms }),
    });
  }

  /** Runs `use` with the account and closes it, whatever happens. */
  async withAccount<T>(options: AccountUse, use: (account: Account) => Promise<T>): Promise<T> {
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
