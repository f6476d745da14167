import { FileClientStore, SealedClientStore, SealedFolder } from '@coming/client';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../cli.errors';
import type { CliIo } from '../cli-io';
import { ContactBook } from '../contacts/contact-book';
import { ExitCode } from '../exit-codes';
import { MessageHistory } from '../history/message-history';
import { passphraseOf } from './passphrase';

// What an older coming wrote: the whole state, recovery phrase included, in plain JSON.
const PLAIN_STATE_FILE = 'state.json';

/** A home folder opened with its passphrase: the identity, contacts and history, all sealed. */
export class UnlockedHome {
  readonly store: SealedClientStore;
  readonly contacts: ContactBook;
  readonly history: MessageHistory;

  constructor(
    readonly path: string,
    readonly folder: SealedFolder,
  ) {
    this.store = new SealedClientStore(folder);
    this.contacts = new ContactBook(folder);
    this.history = new MessageHistory(folder);
  }
}

/** A new home for `init` and `link`: refuses a folder that already holds an identity, sealed or not. */
export async function createHome(io: CliIo, path: string): Promise<UnlockedHome> {
  if ((await SealedFolder.exists(path)) || (await new FileClientStore(path).load()) !== null) {
    throw new CliError(ExitCode.Failure, `${path} already holds an identity; use another home folder (--home)`);
  }
  return new UnlockedHome(path, await SealedFolder.create(path, await passphraseOf(io, { choosing: true })));
}

/**
 * Unlocks the home. A home an older coming left unencrypted is sealed now, under the
 * passphrase given, and its plain file deleted: refusing would leave the recovery phrase
 * readable until the user found out how to migrate.
 */
export async function unlockHome(io: CliIo, path: string): Promise<UnlockedHome> {
  if (await SealedFolder.exists(path))
    return new UnlockedHome(path, await SealedFolder.unlock(path, await passphraseOf(io, { choosing: false })));
  const plain = await new FileClientStore(path).load();
  if (plain === null) throw new CliError(ExitCode.Failure, `no identity in ${path} yet: run "init" first`);
  const home = new UnlockedHome(path, await SealedFolder.create(path, await passphraseOf(io, { choosing: true })));
  await home.store.save(plain);
  await rm(join(path, PLAIN_STATE_FILE));
  io.stderr.write(`${path} was not encrypted (an older coming wrote it): it is now sealed under this passphrase.\n`);
  return home;
}
