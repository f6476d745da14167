import { type SealedFolder } from '@coming/client';
import { isAccountId } from '@coming/identity';
import { CliError } from '../cli.errors';
import { ExitCode } from '../exit-codes';

export interface Contact {
  name: string;
  accountId: string;
}

const CONTACTS = 'contacts';
// Letters, digits, and a few separators; no control characters, so a name is safe to print.
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,63}$/u;

/** Names for account IDs, kept sealed in the home. A name works wherever an account ID does. */
export class ContactBook {
  constructor(private readonly folder: SealedFolder) {}

  /** Every contact, by name. */
  async list(): Promise<Contact[]> {
    const byName = await this.load();
    return Object.keys(byName)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => ({ name, accountId: byName[name] ?? '' }));
  }

  /** Adds a name, or points an existing one at another account. */
  async add(name: string, accountId: string): Promise<Contact> {
    if (!NAME.test(name) || isAccountId(name)) {
      throw new CliError(
        ExitCode.Usage,
        `"${name}" cannot be a contact name: 1 to 64 letters, digits, spaces or . _ ' -, starting with a letter or digit`,
      );
    }
    if (!isAccountId(accountId)) throw new CliError(ExitCode.Usage, `"${accountId}" is not an account ID (coming1…)`);
    const byName = await this.load();
    byName[name] = accountId;
    await this.folder.write(CONTACTS, Buffer.from(JSON.stringify(byName)));
    return { name, accountId };
  }

  async remove(name: string): Promise<void> {
    const byName = await this.load();
    if (byName[name] === undefined) throw new CliError(ExitCode.Usage, `no contact named "${name}"`);
    delete byName[name];
    await this.folder.write(CONTACTS, Buffer.from(JSON.stringify(byName)));
  }

  /** The account ID a command-line argument names: an account ID as it is, else a contact's name. */
  async resolve(nameOrAccountId: string): Promise<string> {
    if (isAccountId(nameOrAccountId)) return nameOrAccountId;
    const accountId = (await this.load())[nameOrAccountId];
    if (accountId === undefined) {
      throw new CliError(
        ExitCode.Usage,
        `"${nameOrAccountId}" is neither an account ID (coming1…) nor a contact: add it with "coming contact add NAME ACCOUNT_ID"`,
      );
    }
    return accountId;
  }

  /** The name this home gave `accountId`, if any. */
  async nameOf(accountId: string): Promise<string | undefined> {
    return (await this.list()).find((contact) => contact.accountId === accountId)?.name;
  }

  private async load(): Promise<Record<string, string>> {
    const data = await this.folder.read(CONTACTS);
    const stored = (data === null ? {} : JSON.parse(Buffer.from(data).toString())) as Record<string, string>;
    // A prototype-free map: a contact named "__proto__" is just a name.
    return Object.assign(Object.create(null) as Record<string, string>, stored);
  }
}
