import type { ClientState, ClientStore } from './client-store';
import type { SealedFolder } from './sealed-folder';

const STATE = 'state';

/** Keeps the client state sealed in a passphrase-locked folder (see SealedFolder). */
export class SealedClientStore implements ClientStore {
  constructor(private readonly folder: SealedFolder) {}

  async load(): Promise<ClientState | null> {
    const data = await this.folder.read(STATE);
    return data === null ? null : (JSON.parse(Buffer.from(data).toString()) as ClientState);
  }

  async save(state: ClientState): Promise<void> {
    await this.folder.write(STATE, Buffer.from(JSON.stringify(state)));
  }
}
