import { Command } from 'commander';
import type { CliIo } from './cli-io';
import { CommandContext, DEFAULT_SERVER, type GlobalOptions } from './command-context';
import { addCompletionCommand } from './completion/completion-command';
import { addContactCommands } from './commands/contact-commands';
import { addDeviceCommands } from './commands/device-commands';
import { addIdentityCommands } from './commands/identity-commands';
import { addLinkCommand } from './commands/link-command';
import { addMessageCommands } from './commands/message-commands';
import { addWalletCommands } from './commands/wallet-commands';
import { addDaemonCommand } from './daemon/daemon-command';
import type { ExitCode } from './exit-codes';
import { failureOf } from './failures';
import { PASSPHRASE_VARIABLE } from './home/passphrase';

const EPILOG = `
A contact name works wherever an account ID does. COMING_NETWORK (regtest, testnet or
mainnet; default regtest) selects the wallet's Bitcoin network. The home is locked under a passphrase:
${PASSPHRASE_VARIABLE} gives it to scripts, a terminal is asked. Exit codes: 0 ok, 1 failure,
2 usage, 3 server unreachable or timeout, 4 displaced, or this device removed, 5 refused by the server,
6 home locked (no or wrong passphrase).`;

/** Runs one command line; resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const program = new Command('coming');
  const context = new CommandContext(io, () => program.opts<GlobalOptions>());
  program
    .description('Coming, the end-to-end encrypted messenger, from the command line')
    .option('--home <dir>', 'where the identity lives (env COMING_HOME, default ~/.coming)')
    .option('--server <url>', `gateway to use (env COMING_SERVER, default ${DEFAULT_SERVER})`)
    .option('--sms <url>', 'SMS beside the server: smpp://id:password@host:port, serial:///dev/ttyUSB0 or http(s)://… (env COMING_SMS)')
    .option('--phone <e164>', "this device's own phone number, for SMS (env COMING_PHONE)")
    .addHelpText('after', EPILOG)
    // Global options go before the command, so that a command may have an option of the same
    // name: `coming --phone +E164 send …` is this device's number, `contact set … --phone` a contact's.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride();
  addIdentityCommands(program, context);
  addLinkCommand(program, context);
  addMessageCommands(program, context);
  addContactCommands(program, context);
  addDeviceCommands(program, context);
  addWalletCommands(program, context);
  addDaemonCommand(program, context);
  addCompletionCommand(program, context);
  // Every subcommand reports through exitOverride too, instead of exiting the process.
  for (const command of allCommands(program)) command.exitOverride().configureOutput(program.configureOutput());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (error) {
    const { exitCode, message } = failureOf(error);
    if (message !== undefined) io.stderr.write(`error: ${message}\n`);
    return exitCode;
  }
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}
