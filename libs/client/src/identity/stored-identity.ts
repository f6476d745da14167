import { ClientError, ClientErrorCode } from '../client.errors';
import type { ClientState } from '../store/client-store';
import type { DeviceIdentity } from './device-identity';
import { PrimaryIdentity } from './primary-identity';

/** The identity a stored state holds. Only primaries (holding the mnemonic) exist so far. */
export function identityOfState(state: ClientState): DeviceIdentity {
  if (state.mnemonic === undefined) {
    throw new ClientError(ClientErrorCode.Identity, 'this home holds no recovery phrase, and linked devices are not supported yet');
  }
  const identity = new PrimaryIdentity(state.mnemonic);
  if (identity.accountId !== state.accountId) {
    throw new ClientError(ClientErrorCode.Identity, `this home's recovery phrase is not that of its account ${state.accountId}`);
  }
  return identity;
}
