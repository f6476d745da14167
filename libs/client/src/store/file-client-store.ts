import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientState, ClientStore } from './client-store';

const STATE_FILE = 'state.json';

/**
 * Keeps the state in one JSON file in the home folder, readable by its owner only.
 * Each save writes a temporary file, syncs it and renames it over the old one, so a
 * crash leaves either the old state or the new one.
 */
export class FileClientStore implements ClientStore {
  constructor(private readonly home: string) {}

  async load(): Promise<ClientState | null> {
    let text: string;
    try {
      text = await readFile(join(this.home, STATE_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return JSON.parse(text) as ClientState;
  }

  async save(state: ClientState): Promise<void> {
    await mkdir(this.home, { recursive: true, mode: 0o700 });
    const target = join(this.home, STATE_FILE);
    const temporary = `${target}.${process.pid}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(state, null, 2));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  }
}
