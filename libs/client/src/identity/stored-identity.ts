import { ClientError, ClientErrorCode } from '../client.errors';
import type { ClientState, ClientStore } from '../store/client-store';
import type { DeviceIdentity } from './device-identity';
import { LinkedIdentity } from './linked-identity';
import { PrimaryIdentity } from './primary-identity';

/** The identity a stored state holds: the primary's mnemonic, or a linked device's keys. */
export function identityOfState(state: ClientState): DeviceIdentity {
  if (state.mnemonic !== undefined) {
    const identity = new PrimaryIdentity(state.mnemonic);
    if (identity.accountId !== state.accountId) {
      throw new ClientError(ClientErrorCode.Identity, `this home's recovery phrase is not that of its account ${state.accountId}`);
    }
    return identity;
  }
  if (state.linked !== undefined) return LinkedIdentity.fromState(state.accountId, state.linked);
  throw new ClientError(ClientErrorCode.Identity, "this home holds neither a recovery phrase nor a linked device's keys");
}

/** Refuses a home that holds an identity already: a new one would lose it. */
export async function ensureNoIdentity(store: ClientStore): Promise<void> {
  if ((await store.load()) !== null) {
    throw new ClientError(ClientErrorCode.Identity, 'this home already holds an identity; use another home folder');
  }
}
