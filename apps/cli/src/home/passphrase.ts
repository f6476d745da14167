import { CliError } from '../cli.errors';
import type { CliIo } from '../cli-io';
import { ExitCode } from '../exit-codes';
import { ask } from './prompt';

export const PASSPHRASE_VARIABLE = 'COMING_PASSPHRASE';
const OTHERWISE = `set ${PASSPHRASE_VARIABLE}`;

/** The home's passphrase: from COMING_PASSPHRASE (scripts), else asked on the terminal without echo. */
export async function passphraseOf(io: CliIo, { choosing }: { choosing: boolean }): Promise<string> {
  const given = io.env[PASSPHRASE_VARIABLE];
  if (given !== undefined) return nonEmpty(given);
  if (!io.stdinIsTTY) throw new CliError(ExitCode.Locked, `the home is locked: ${OTHERWISE}, or run in a terminal to be asked`);
  if (!choosing) return nonEmpty(await ask(io, 'Passphrase: ', { silent: true, otherwise: OTHERWISE }));
  const chosen = nonEmpty(await ask(io, 'New passphrase for this home: ', { silent: true, otherwise: OTHERWISE }));
  if ((await ask(io, 'Again: ', { silent: true, otherwise: OTHERWISE })) !== chosen) {
    throw new CliError(ExitCode.Usage, 'the two passphrases differ');
  }
  return chosen;
}

function nonEmpty(passphrase: string): string {
  if (passphrase === '') throw new CliError(ExitCode.Locked, 'the passphrase is empty: every file of the home is locked under it');
  return passphrase;
}
