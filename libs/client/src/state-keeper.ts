import type { ClientState, ClientStore } from './store/client-store';

/** The client's state in memory, with saves run one after another in call order. */
export class StateKeeper {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly state: ClientState,
    private readonly store: ClientStore,
  ) {}

  /** Resolves once this and every earlier change is durable. */
  save(): Promise<void> {
    const snapshot = structuredClone(this.state);
    this.saving = this.saving.then(() => this.store.save(snapshot));
    return this.saving;
  }
}
