import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { describe, expect, it } from 'vitest';
import { LocalBitcoinChain } from '../../test/local-bitcoin-chain';
import { LocalXbtcChain } from '../../test/local-xbtc-chain';
import { StateKeeper } from '../state-keeper';
import { MemoryClientStore } from '../store/memory-client-store';
import { BCOIN_REGTEST } from './bitcoin/bitcoin-network';
import { BTC, XBTC } from './currency';
import { walletOfState, xbtcWalletOfState } from './wallet-of-state';
import { WalletErrorCode } from './wallet.errors';

const TOKEN = { chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } as const;

const keeperOf = (linked = false) => {
  const mnemonic = createMnemonic();
  const store = new MemoryClientStore();
  const state = {
    mnemonic: linked ? undefined : mnemonic,
    accountId: accountKeyFromMnemonic(mnemonic).accountId,
    recipients: {},
    seen: [],
  };
  return { keeper: new StateKeeper(state, store), store };
};

describe(xbtcWalletOfState.name, () => {
  it('opens the X-BTC wallet beside the Bitcoin one, each keeping its own bookkeeping in the saved state', async () => {
    const { keeper, store } = keeperOf();
    const bitcoin = walletOfState(keeper, { network: BCOIN_REGTEST, chain: new LocalBitcoinChain(BCOIN_REGTEST) });
    const xbtc = xbtcWalletOfState(keeper, { token: TOKEN, chain: new LocalXbtcChain(TOKEN) });
    expect([bitcoin.currency, xbtc.currency]).toEqual([BTC, XBTC]);
    await bitcoin.freshReceiveAddress();
    const address = await xbtc.freshReceiveAddress();
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const saved = await store.load();
    expect(saved?.wallet?.bitcoin?.[BCOIN_REGTEST.name]?.nextReceiveIndex).toBe(1);
    expect(saved?.wallet?.xbtc?.[`31337:${TOKEN.address.toLowerCase()}`]).toEqual({ watched: true, pending: [] });
  });

  it('has no X-BTC wallet on a linked device, nor without X-BTC options', () => {
    expect(() => xbtcWalletOfState(keeperOf(true).keeper, { token: TOKEN, chain: new LocalXbtcChain(TOKEN) })).toThrow(
      expect.objectContaining({ code: WalletErrorCode.NoWallet, message: expect.stringContaining('linked device') }),
    );
    expect(() => xbtcWalletOfState(keeperOf().keeper, undefined)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.NoWallet, message: expect.stringContaining('no X-BTC token') }),
    );
  });
});
