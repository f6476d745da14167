import { ComingClient } from '@coming/client';
import { seedFromMnemonic } from '@coming/identity';
import type { Command } from 'commander';
import { connectWithin } from '../account/connect-within';
import { CliError } from '../cli.errors';
import { type CommandContext, seconds } from '../command-context';
import { ExitCode } from '../exit-codes';
import { createHome, unlockHome } from '../home/home';
import { ask, readStdin } from '../home/prompt';

const REGISTER_TIMEOUT_SECONDS = 10;

export function addIdentityCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('init')
    .description('create an identity (or restore one) in the home and register it; prints the account ID last')
    .option('--mnemonic [PHRASE]', 'restore from a recovery phrase: "-" reads it from stdin, no value asks for it')
    .option('--timeout <seconds>', 'how long to try registering', seconds, REGISTER_TIMEOUT_SECONDS)
    .action(async ({ mnemonic, timeout }: { mnemonic?: string | true; timeout: number }) => {
      const { home: path, server } = context.location();
      const phrase = await recoveryPhraseOf(context, mnemonic);
      // Checked before the home is made, so that a mistyped phrase leaves nothing behind.
      if (phrase !== undefined) seedFromMnemonic(phrase);
      const home = await createHome(io, path);
      const client = await ComingClient.create({ store: home.store, server }, phrase);
      if (phrase === undefined) io.stderr.write(`Recovery phrase (write it down; it is your whole account):\n${client.mnemonic}\n`);
      try {
        await connectWithin(client, io, server, Date.now() + timeout * 1000);
      } catch (error) {
        if (!(error instanceof CliError && error.exitCode === ExitCode.Unreachable)) throw error;
        io.stderr.write(`warning: ${error.message}\nThe identity is saved; it registers on its first connection.\n`);
        context.exitCode = ExitCode.Unreachable;
      } finally {
        await client.close();
      }
      io.stdout.write(`${client.accountId}\n`);
    });

  program
    .command('whoami')
    .description("print this home's account ID")
    .action(async () => {
      io.stdout.write(`${await context.withAccount({ receive: false }, (account) => account.accountId())}\n`);
    });

  program
    .command('recovery-phrase')
    .description('print the recovery phrase, after a confirmation')
    .option('--yes', 'skip the confirmation')
    .action(async ({ yes }: { yes?: boolean }) => {
      const home = await unlockHome(io, context.location().home);
      const state = await home.store.load();
      if (state === null) throw new CliError(ExitCode.Failure, `no identity in ${home.path} yet: run "init" first`);
      if (state.mnemonic === undefined) {
        throw new CliError(
          ExitCode.Failure,
          "this is a linked device: it holds no recovery phrase; only the account's primary device does",
        );
      }
      if (yes !== true) {
        const answer = await ask(io, 'Whoever sees the recovery phrase owns the account. Show it? [y/N] ', {
          silent: false,
          otherwise: 'pass --yes',
        });
        if (!/^y(es)?$/i.test(answer.trim())) throw new CliError(ExitCode.Failure, 'not shown');
      }
      io.stdout.write(`${state.mnemonic}\n`);
    });
}

/** The phrase to restore from, kept off the command line when the user asks: "-" is stdin, no value a prompt. */
async function recoveryPhraseOf({ io }: CommandContext, mnemonic: string | true | undefined): Promise<string | undefined> {
  if (mnemonic === undefined) return undefined;
  if (mnemonic === '-') return readStdin(io);
  if (mnemonic === true) return ask(io, 'Recovery phrase: ', { silent: true, otherwise: 'pass --mnemonic - and the phrase on stdin' });
  return mnemonic;
}
