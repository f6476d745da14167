import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-write';
import { createPassphraseKey, type PassphraseKeyFile, unlockPassphraseKey } from './passphrase-key';
import { open, seal } from './sealed-box';
import { StoreError, StoreErrorCode } from './store.errors';

const KEY_FILE = 'key.json';

/**
 * A folder whose files are sealed under one data key, itself sealed under a passphrase
 * (see passphrase-key). Nothing in it is readable without the passphrase: not the
 * recovery phrase, not keys or sessions, not a message.
 */
export class SealedFolder {
  private constructor(
    readonly path: string,
    private readonly key: Uint8Array,
  ) {}

  /** True when the folder holds a key file, i.e. was made by `create`. */
  static async exists(path: string): Promise<boolean> {
    return (await readIfExists(join(path, KEY_FILE))) !== null;
  }

  /** Makes the folder's key; refuses a folder that already has one. */
  static async create(path: string, passphrase: string): Promise<SealedFolder> {
    if (await SealedFolder.exists(path)) throw new StoreError(StoreErrorCode.UnknownFormat, `${path} already has a key`);
    const { file, key } = await createPassphraseKey(passphrase);
    await writeFileAtomically(join(path, KEY_FILE), JSON.stringify(file, null, 2));
    return new SealedFolder(path, key);
  }

  /**
   * Undoes `create` when nothing was sealed in the folder since (a new device whose link
   * was never approved), so that it can be created afresh; a folder holding sealed files keeps its key.
   */
  async discardIfUnused(): Promise<boolean> {
    if ((await readdir(this.path)).some((name) => name.endsWith('.sealed'))) return false;
    await rm(join(this.path, KEY_FILE), { force: true });
    return true;
  }

  /** Unlocks an existing folder; StoreError WRONG_PASSPHRASE when the passphrase is not its own. */
  static async unlock(path: string, passphrase: string): Promise<SealedFolder> {
    const text = await readIfExists(join(path, KEY_FILE));
    if (text === null) throw new StoreError(StoreErrorCode.UnknownFormat, `${path} has no key file`);
    return new SealedFolder(path, await unlockPassphraseKey(JSON.parse(text.toString()) as PassphraseKeyFile, passphrase));
  }

  /** The opened content of `name`, or null when it was never written. */
  async read(name: string): Promise<Uint8Array | null> {
    const sealed = await readIfExists(this.fileOf(name));
    return sealed === null ? null : open(this.key, name, sealed);
  }

  /** Replaces `name` atomically. */
  async write(name: string, data: Uint8Array): Promise<void> {
    await writeFileAtomically(this.fileOf(name), seal(this.key, name, data));
  }

  /**
   * Appends one record to the log `name`, one sealed record a line. Appends from several
   * processes (a listener and a sender on one home) interleave whole lines, where a
   * read-modify-write of one file would lose one side's record. The leading newline ends
   * a line an earlier append left unfinished (a crash mid-write), so that it cannot run
   * into this one.
   */
  async append(name: string, record: Uint8Array): Promise<void> {
    const line = `\n${Buffer.from(seal(this.key, name, record)).toString('base64')}\n`;
    await appendFile(this.fileOf(name), line, { mode: 0o600 });
  }

  /**
   * Every record of the log `name`, oldest first. A line that does not open is skipped: it
   * is an append a crash cut short, or a change made on disk, and neither can put a record
   * in that the key did not seal.
   */
  async records(name: string): Promise<Uint8Array[]> {
    const text = (await readIfExists(this.fileOf(name)))?.toString() ?? '';
    return text.split('\n').flatMap((line) => {
      if (line === '') return [];
      try {
        return [open(this.key, name, Buffer.from(line, 'base64'))];
      } catch (error) {
        if (error instanceof StoreError) return [];
        throw error;
      }
    });
  }

  private fileOf(name: string): string {
    return join(this.path, `${name}.sealed`);
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
