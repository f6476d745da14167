import type { keys } from '@coming/proto';
import type { SerialQueue } from '../serial-queue';
import type { ClientSignalStore } from '../signal/client-signal-store';
import { firstUpload, newSignalState, topUp } from '../signal/device-keys';
import type { StateKeeper } from '../state-keeper';
import type { KeyDirectory } from '../transport/transport';

/**
 * This device's keys on the server: the first upload on its first connection, and
 * one-time prekeys topped up when the server says they run low. Key changes go through
 * `signal`, the queue every Signal state change shares.
 */
export class KeyUpkeep {
  constructor(
    private readonly keeper: StateKeeper,
    private readonly store: ClientSignalStore,
    private readonly identityKey: keys.IdentityKey,
    private readonly signal: SerialQueue,
  ) {}

  /** On a new device's first connection: makes its Signal keys and publishes them. */
  async publishIfNew(directory: KeyDirectory): Promise<void> {
    if (this.keeper.state.signal !== undefined) return;
    await this.signal.run(async () => {
      const state = newSignalState();
      this.keeper.state.signal = state;
      const upload = await firstUpload(state, this.store, await this.store.getIdentityKeyPair(), this.identityKey);
      try {
        await directory.uploadKeys(upload);
      } catch (error) {
        // Unpublished keys are useless; make fresh ones on the next connection.
        delete this.keeper.state.signal;
        throw error;
      }
      await this.keeper.save();
    });
  }

  /**
   * The server says the one-time prekeys run low: upload fresh ones. The stock is read
   * again first, since several such pushes may arrive for one shortfall. The new keys are
   * saved before they are published, so that no published key is ever lost.
   */
  async refill(directory: KeyDirectory): Promise<void> {
    await this.signal.run(async () => {
      const state = this.keeper.state.signal;
      if (state === undefined) return;
      const upload = await topUp(state, this.store, await this.store.getIdentityKeyPair(), await directory.preKeyCount());
      if (upload.oneTimePreKeys.length + upload.oneTimeKyberPreKeys.length === 0) return;
      await this.keeper.save();
      await directory.uploadKeys(upload);
    });
  }
}
