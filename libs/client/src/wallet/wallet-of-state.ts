import { seedFromMnemonic } from '@coming/identity';
import type { StateKeeper } from '../state-keeper';
import { Bip84Account } from './bitcoin/bip84-account';
import type { BitcoinChainApi } from './bitcoin/bitcoin-chain-api';
import type { BitcoinNetwork } from './bitcoin/bitcoin-network';
import { BitcoinWallet } from './bitcoin/bitcoin-wallet';
import { emptyBitcoinWalletState } from './bitcoin/bitcoin-wallet-state';
import type { CurrencyAdapter } from './currency-adapter';
import { WalletError, WalletErrorCode } from './wallet.errors';
import { EvmAccount } from './xbtc/evm-account';
import type { XbtcChainApi, XbtcToken } from './xbtc/xbtc-chain-api';
import { XbtcWallet } from './xbtc/xbtc-wallet';
import { emptyXbtcWalletState } from './xbtc/xbtc-wallet-state';

/** Which Bitcoin network the wallet is on, and the chain service it asks. */
export interface BitcoinOptions {
  network: BitcoinNetwork;
  /** Default: the server's payments service, through the client's connection. */
  chain?: BitcoinChainApi;
}

/** Which X-BTC the wallet holds (chain and token contract), and the chain service it asks. */
export interface XbtcOptions {
  /** The token the wallet holds; a chain service serving another is refused (WRONG_NETWORK). */
  token: XbtcToken;
  /** Default: the server's payments service, through the client's connection. */
  chain?: XbtcChainApi;
}

/**
 * Opens the account's wallet from the client state. Only the primary device has one: its
 * keys derive from the recovery phrase, which a linked device never holds. (Giving linked
 * devices a watch-only wallet, an xpub in the provisioning message, is a later step.)
 */
export function walletOfState(keeper: StateKeeper, bitcoin: BitcoinOptions | undefined, serverChain?: BitcoinChainApi): CurrencyAdapter {
  const mnemonic = mnemonicOfPrimary(keeper);
  const chain = bitcoin?.chain ?? serverChain;
  if (bitcoin === undefined || chain === undefined)
    throw new WalletError(WalletErrorCode.NoWallet, 'no Bitcoin network and chain service are configured for this client');
  const { network } = bitcoin;
  const wallets = (keeper.state.wallet ??= {});
  const networks = (wallets.bitcoin ??= {});
  // Each network keeps its own indexes: regtest and testnet share keys (coin type 1) but not chains.
  const state = (networks[network.name] ??= emptyBitcoinWalletState());
  return new BitcoinWallet(new Bip84Account(seedFromMnemonic(mnemonic), network), chain, state, () => keeper.save());
}

/** Opens the account's X-BTC wallet from the client state; like the Bitcoin one, on the primary device only. */
export function xbtcWalletOfState(keeper: StateKeeper, xbtc: Required<XbtcOptions> | undefined): CurrencyAdapter {
  const mnemonic = mnemonicOfPrimary(keeper);
  if (xbtc === undefined)
    throw new WalletError(WalletErrorCode.NoWallet, 'no X-BTC token and chain service are configured for this client');
  const tokens = ((keeper.state.wallet ??= {}).xbtc ??= {});
  // One key on every EVM chain, but each token's pending transfers are its own.
  const state = (tokens[`${xbtc.token.chainId}:${xbtc.token.address.toLowerCase()}`] ??= emptyXbtcWalletState());
  return new XbtcWallet(new EvmAccount(seedFromMnemonic(mnemonic)), xbtc.token, xbtc.chain, state, () => keeper.save());
}

function mnemonicOfPrimary(keeper: StateKeeper): string {
  const { mnemonic } = keeper.state;
  if (mnemonic === undefined) {
    throw new WalletError(
      WalletErrorCode.NoWallet,
      "this is a linked device: the wallet lives on the account's primary device, which holds the recovery phrase",
    );
  }
  return mnemonic;
}
