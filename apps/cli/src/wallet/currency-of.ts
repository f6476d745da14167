import { BTC, type Currency, XBTC, type XbtcToken } from '@coming/client';
import { LOCAL_EVM_CHAIN_ID, LOCAL_XBTC_ADDRESS } from '@coming/xbtc';
import { getAddress, isAddress } from 'viem';
import { CliError } from '../cli.errors';
import { ExitCode } from '../exit-codes';

export const XBTC_TOKEN_VARIABLE = 'COMING_XBTC_TOKEN';
export const XBTC_CHAIN_ID_VARIABLE = 'COMING_XBTC_CHAIN_ID';

const CURRENCIES: Readonly<Record<string, Currency>> = { btc: BTC, xbtc: XBTC };

/** The currency `--currency` names: btc or xbtc. */
export function currencyOf(name: string): Currency {
  const currency = CURRENCIES[name.toLowerCase()];
  if (currency === undefined) throw new CliError(ExitCode.Usage, `--currency is "${name}": use btc or xbtc`);
  return currency;
}

/**
 * The X-BTC this home holds: the token named by COMING_XBTC_TOKEN and COMING_XBTC_CHAIN_ID,
 * on regtest by default the one `npm run evm` deploys. The wallet signs for this token only
 * and refuses a server that serves another, so that a server cannot have it sign away a
 * token it did not choose. Undefined on another network with neither set: no X-BTC there.
 */
export function xbtcTokenOf(env: NodeJS.ProcessEnv, network: string): XbtcToken | undefined {
  const address = env[XBTC_TOKEN_VARIABLE];
  const chainId = env[XBTC_CHAIN_ID_VARIABLE];
  if (address === undefined && chainId === undefined) {
    return network === 'regtest' ? { chainId: LOCAL_EVM_CHAIN_ID, address: LOCAL_XBTC_ADDRESS } : undefined;
  }
  if (address === undefined || !isAddress(address, { strict: true })) {
    throw new CliError(ExitCode.Usage, `${XBTC_TOKEN_VARIABLE} is "${address ?? ''}": give the token contract's 0x address`);
  }
  if (chainId === undefined || !/^[1-9][0-9]*$/.test(chainId) || !Number.isSafeInteger(Number(chainId))) {
    throw new CliError(ExitCode.Usage, `${XBTC_CHAIN_ID_VARIABLE} is "${chainId ?? ''}": give the EVM chain ID as a positive integer`);
  }
  return { chainId: Number(chainId), address: getAddress(address) };
}
