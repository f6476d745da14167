import { ClientError, ClientErrorCode } from './client.errors';
import type { ClientState, ClientStore } from './store/client-store';

/** The client's state in memory, with saves run one after another in call order. */
export class StateKeeper {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly state: ClientState,
    private readonly store: ClientStore,
  ) {}

  /**
   * Resolves once this and every earlier change is durable; rejects with STORE_FAILED when
   * the store refuses. A later save tries again: its snapshot holds every earlier change.
   */
  save(): Promise<void> {
    const snapshot = structuredClone(this.state);
    const saved = this.saving
      .catch(() => undefined)
      .then(() => this.store.save(snapshot))
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ClientError(ClientErrorCode.StoreFailed, `could not save the client state: ${reason}`, undefined, { cause: error });
      });
    this.saving = saved;
    return saved;
  }
}
