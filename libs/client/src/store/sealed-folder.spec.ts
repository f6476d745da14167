import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SealedFolder } from './sealed-folder';
import { StoreErrorCode } from './store.errors';

describe(SealedFolder.name, () => {
  let path: string;

  beforeEach(async () => {
    path = await mkdtemp(join(tmpdir(), 'sealed-folder-'));
  });

  afterEach(async () => {
    await rm(path, { recursive: true, force: true });
  });

  it('reads back what it wrote under the same passphrase, and nothing of it is on disk', async () => {
    const folder = await SealedFolder.create(path, 'right');
    await folder.write('state', Buffer.from('the secret state'));
    const reopened = await SealedFolder.unlock(path, 'right');
    expect(Buffer.from((await reopened.read('state')) ?? []).toString()).toBe('the secret state');
    expect((await readFile(join(path, 'state.sealed'))).includes('secret')).toBe(false);
    expect(await reopened.read('never-written')).toBeNull();
  });

  it('gives up its key only while nothing is sealed in it, so that an unused folder can be created afresh', async () => {
    const unused = await SealedFolder.create(path, 'first');
    expect(await unused.discardIfUnused()).toBe(true);
    expect(await SealedFolder.exists(path)).toBe(false);
    const used = await SealedFolder.create(path, 'second');
    await used.write('state', Buffer.from('kept'));
    expect(await used.discardIfUnused()).toBe(false);
    expect(Buffer.from((await (await SealedFolder.unlock(path, 'second')).read('state')) ?? []).toString()).toBe('kept');
  });

  it('refuses a wrong passphrase', async () => {
    await SealedFolder.create(path, 'right');
    await expect(SealedFolder.unlock(path, 'wrong')).rejects.toMatchObject({ code: StoreErrorCode.WrongPassphrase });
  });

  it('accepts the same passphrase however its characters were composed', async () => {
    await SealedFolder.create(path, 'caf\u00e9');
    await expect(SealedFolder.unlock(path, 'cafe\u0301')).resolves.toBeInstanceOf(SealedFolder);
  });

  it('refuses a file changed on disk, or passed off as another', async () => {
    const folder = await SealedFolder.create(path, 'right');
    await folder.write('contacts', Buffer.from('{}'));
    await folder.write('state', Buffer.from('{}'));
    const sealed = await readFile(join(path, 'state.sealed'));
    await writeFile(join(path, 'contacts.sealed'), sealed);
    await expect(folder.read('contacts')).rejects.toMatchObject({ code: StoreErrorCode.Damaged });
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    await writeFile(join(path, 'state.sealed'), sealed);
    await expect(folder.read('state')).rejects.toMatchObject({ code: StoreErrorCode.Damaged });
  });

  it('keeps appended records in order, past a record cut short by a crash', async () => {
    const folder = await SealedFolder.create(path, 'right');
    for (const record of ['one', 'two']) await folder.append('history', Buffer.from(record));
    await appendFile(join(path, 'history.sealed'), '\nAQID');
    await folder.append('history', Buffer.from('three'));
    expect((await folder.records('history')).map((record) => Buffer.from(record).toString())).toEqual(['one', 'two', 'three']);
  });
});
