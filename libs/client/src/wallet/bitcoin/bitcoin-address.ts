import { Address, OutScript } from '@scure/btc-signer';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import { type BitcoinNetwork, KNOWN_BITCOIN_NETWORKS } from './bitcoin-network';

/**
 * The output script that pays `address` on `network`. Throws WRONG_NETWORK for an address
 * of another known network (a testnet address given to a mainnet wallet: paying it would
 * lose the coins), and INVALID_ADDRESS for anything else that is not an address.
 */
export function outputScriptOf(address: string, network: BitcoinNetwork): Uint8Array {
  const trimmed = address.trim();
  try {
    return OutScript.encode(Address(network).decode(trimmed));
  } catch (error) {
    const other = KNOWN_BITCOIN_NETWORKS.find((candidate) => candidate.name !== network.name && decodes(trimmed, candidate));
    if (other !== undefined) {
      throw new WalletError(
        WalletErrorCode.WrongNetwork,
        `"${trimmed}" is a Bitcoin ${other.name} address; this wallet is on ${network.name}`,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new WalletError(WalletErrorCode.InvalidAddress, `"${trimmed}" is not a Bitcoin ${network.name} address (${reason})`, {
      cause: error,
    });
  }
}

/** The address an output script pays, or undefined for a script with no address form. */
export function addressOfScript(script: Uint8Array, network: BitcoinNetwork): string | undefined {
  try {
    return Address(network).encode(OutScript.decode(script));
  } catch {
    // Bare multisig, OP_RETURN and the like have no address: nothing to show.
    return undefined;
  }
}

function decodes(address: string, network: BitcoinNetwork): boolean {
  try {
    Address(network).decode(address);
    return true;
  } catch {
    return false;
  }
}
