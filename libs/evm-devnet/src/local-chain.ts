import { LOCAL_EVM_CHAIN_ID } from '@coming/xbtc';
import { defineChain, type Hex } from 'viem';

/**
 * hardhat's first development key (of the public "test test … junk" mnemonic): the local
 * chain's bridge stand-in, which deploys X-BTC and mints it. A throwaway known to everyone,
 * for the local chain only.
 */
export const LOCAL_BRIDGE_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

/** viem's description of the local chain at `rpcUrl`. */
export function localEvmChain(rpcUrl: string) {
  return defineChain({
    id: LOCAL_EVM_CHAIN_ID,
    name: 'Coming local EVM',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}
