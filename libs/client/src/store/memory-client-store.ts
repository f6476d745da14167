import type { ClientState, ClientStore } from './client-store';

/** Keeps the state in memory: for embedding clients in tests and tools. */
export class MemoryClientStore implements ClientStore {
  private state: ClientState | null = null;

  load(): Promise<ClientState | null> {
    return Promise.resolve(this.state === null ? null : structuredClone(this.state));
  }

  save(state: ClientState): Promise<void> {
    this.state = structuredClone(state);
    return Promise.resolve();
  }
}
