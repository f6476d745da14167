import { BCOIN_REGTEST, BITCOIN_MAINNET, BITCOIN_TESTNET, type BitcoinNetwork } from '@coming/client';
import { CliError } from '../cli.errors';
import { ExitCode } from '../exit-codes';

export const NETWORK_VARIABLE = 'COMING_NETWORK';

// Regtest is the bcoin node `npm run regtest` and the tests run; the server's prefix is checked before any use.
const NETWORKS: Readonly<Record<string, BitcoinNetwork>> = { mainnet: BITCOIN_MAINNET, testnet: BITCOIN_TESTNET, regtest: BCOIN_REGTEST };

/** The Bitcoin network COMING_NETWORK names (default regtest). */
export function bitcoinNetworkOf(name: string | undefined): BitcoinNetwork {
  const network = NETWORKS[name ?? 'regtest'];
  if (network === undefined) throw new CliError(ExitCode.Usage, `${NETWORK_VARIABLE} is "${name}": use regtest, testnet or mainnet`);
  return network;
}
