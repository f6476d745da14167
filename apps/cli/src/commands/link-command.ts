import { ComingClient } from '@coming/client';
import type { Command } from 'commander';
import { CliError } from '../cli.errors';
import type { CliIo } from '../cli-io';
import { type CommandContext, printJson, seconds } from '../command-context';
import { ExitCode } from '../exit-codes';
import { createHome, type UnlockedHome } from '../home/home';
import { terminalQrCode } from '../output/qr-code';
import { escapeForTerminal } from '../output/safe-text';

interface LinkFlags {
  name?: string;
  timeout?: number;
  qr?: boolean;
  json?: boolean;
}

/**
 * `coming link`: makes a new home a device of an account another home (its primary)
 * holds. The primary approves the link code shown here and sends this device the
 * account's identity key, never the recovery phrase or the account key.
 */
export function addLinkCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('link')
    .description('make a new home a device of an account you have: shows a link code to approve on the primary; prints the account ID last')
    .option('--name <name>', 'name this device, as "devices" lists it')
    .option('--timeout <seconds>', 'stop waiting for approval after this long (default: until the link code expires)', seconds)
    .option('--qr', 'draw the QR code even when the output is not a terminal')
    .option('--json', 'the link code and then the account ID as JSON lines')
    .action(async (flags: LinkFlags) => {
      const { home: path, server } = context.location();
      const home = await createHome(io, path);
      const deadline = flags.timeout === undefined ? [] : [AbortSignal.timeout(flags.timeout * 1000)];
      const signal = AbortSignal.any([io.interrupted, ...deadline]);
      let shown: Promise<void> = Promise.resolve();
      const client = await ComingClient.link(
        { store: home.store, server },
        {
          onLinkCode: (linkCode, expiresAt) => {
            shown = showLinkCode(io, linkCode, expiresAt, flags);
            // Awaited once linked; a failure must not go unhandled while the approval is awaited.
            shown.catch(() => undefined);
          },
          signal,
        },
      ).catch((error: unknown) => abandon(home, error, signal, flags.timeout));
      try {
        await shown;
        if (flags.name !== undefined) await nameAfterLinking(context, client, flags.name);
      } finally {
        await client.close();
      }
      if (flags.json === true) printJson(io, { accountId: client.accountId });
      else io.stdout.write(`${client.accountId}\n`);
    });
}

/** The link code line always goes out first, so that a script can read it from the first line of output. */
async function showLinkCode(io: CliIo, linkCode: string, expiresAt: Date, { qr, json }: LinkFlags): Promise<void> {
  if (json === true) printJson(io, { linkCode, expiresAt: expiresAt.toISOString() });
  else io.stdout.write(`${linkCode}\n`);
  if (qr === true || (io.stdoutIsTTY && json !== true)) io.stdout.write(await terminalQrCode(linkCode));
  io.stderr.write(`waiting for approval until ${expiresAt.toISOString()}: on the primary device, run coming approve '${linkCode}'\n`);
}

/** A home left with nothing stored in it may be used again; one the identity was stored in is kept. */
async function abandon(home: UnlockedHome, error: unknown, signal: AbortSignal, timeout: number | undefined): Promise<never> {
  const discarded = await home.folder.discardIfUnused();
  if (!signal.aborted) throw error;
  if (!discarded) throw new CliError(ExitCode.Failure, `stopped after the link was approved: the identity is saved in ${home.path}`);
  if (signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError') {
    throw new CliError(ExitCode.Unreachable, `the link code expired: no primary device approved it within ${timeout} s`);
  }
  throw new CliError(ExitCode.Failure, 'stopped waiting for approval; nothing was stored');
}

/** The device is linked whatever happens here: a refused name is reported, and the account ID still printed. */
async function nameAfterLinking(context: CommandContext, client: ComingClient, name: string): Promise<void> {
  try {
    await client.nameThisDevice(name);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.io.stderr.write(`warning: the device is linked, but not named: ${escapeForTerminal(reason)}; try "coming devices name"\n`);
    context.exitCode = ExitCode.Usage;
  }
}
