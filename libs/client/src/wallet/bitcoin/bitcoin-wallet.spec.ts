import { createMnemonic, seedFromMnemonic } from '@coming/identity';
import { Transaction } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { LocalBitcoinChain } from '../../../test/local-bitcoin-chain';
import { WalletErrorCode } from '../wallet.errors';
import { AddressChain, Bip84Account } from './bip84-account';
import { BCOIN_REGTEST, BITCOIN_TESTNET } from './bitcoin-network';
import { BitcoinWallet, GAP_LIMIT } from './bitcoin-wallet';
import { type BitcoinWalletState, emptyBitcoinWalletState } from './bitcoin-wallet-state';
import { finalizePsbt, importPsbt } from './psbt';

const walletOf = (chain: LocalBitcoinChain, mnemonic = createMnemonic(), state: BitcoinWalletState = emptyBitcoinWalletState()) => {
  const saved: BitcoinWalletState[] = [];
  const wallet = new BitcoinWallet(new Bip84Account(seedFromMnemonic(mnemonic), BCOIN_REGTEST), chain, state, () => {
    saved.push(structuredClone(state));
    return Promise.resolve();
  });
  return { wallet, state, saved, mnemonic };
};

const pay = async (wallet: BitcoinWallet, to: string, amount: bigint, feeRate?: bigint) =>
  wallet.send(wallet.sign(await wallet.prepare({ to, amount, feeRate })));

describe(BitcoinWallet.name, () => {
  it('hands out a fresh address each time, watched with a gap of lookahead, and saves the index first', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const { wallet, state, saved } = walletOf(chain);
    const first = await wallet.freshReceiveAddress();
    const second = await wallet.freshReceiveAddress();
    expect(first).not.toBe(second);
    expect(first.startsWith('rb1q')).toBe(true);
    expect(chain.watched.has(first) && chain.watched.has(second)).toBe(true);
    expect(state).toMatchObject({ nextReceiveIndex: 2, watchedReceiveIndex: 2 + GAP_LIMIT, watchedChangeIndex: GAP_LIMIT });
    expect(saved[0]?.nextReceiveIndex).toBe(1);
  });

  it('tells confirmed from unconfirmed coins in its balance', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const { wallet } = walletOf(chain);
    chain.fund(await wallet.freshReceiveAddress(), 70_000n, 3);
    chain.fund(await wallet.freshReceiveAddress(), 5_000n, 0);
    expect(await wallet.balance()).toEqual({ confirmed: 70_000n, unconfirmed: 5_000n });
  });

  it('pays with a transaction the chain accepts, and both balances are right to the satoshi, fee included', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const alice = walletOf(chain).wallet;
    const bob = walletOf(chain).wallet;
    chain.fund(await alice.freshReceiveAddress(), 1_000_000n);
    const bobAddress = await bob.freshReceiveAddress();

    const sent = await pay(alice, bobAddress, 100_000n);

    expect(sent.status.transactionId).toBe(sent.transactionId);
    expect(sent.fee).toBeGreaterThan(0n);
    expect(await alice.balance()).toEqual({ confirmed: 0n, unconfirmed: 1_000_000n - 100_000n - sent.fee });
    expect(await bob.balance()).toEqual({ confirmed: 0n, unconfirmed: 100_000n });
    chain.mine();
    expect(await alice.balance()).toEqual({ confirmed: 900_000n - sent.fee, unconfirmed: 0n });
    expect(await bob.balance()).toEqual({ confirmed: 100_000n, unconfirmed: 0n });
  });

  it('meets the fee rate the service estimates, or the one the user sets', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const { wallet } = walletOf(chain);
    chain.fund(await wallet.freshReceiveAddress(), 1_000_000n);
    chain.feeRateSatPerVbyte = 7n;
    const estimated = wallet.sign(await wallet.prepare({ to: await wallet.freshReceiveAddress(), amount: 10_000n }));
    const overridden = wallet.sign(await wallet.prepare({ to: await wallet.freshReceiveAddress(), amount: 10_000n, feeRate: 25n }));
    for (const [transfer, rate] of [
      [estimated, 7n],
      [overridden, 25n],
    ] as const) {
      const vsize = BigInt(Transaction.fromRaw(finalizePsbt(importPsbt(transfer.export()))).vsize);
      expect(transfer.fee).toBeGreaterThanOrEqual(vsize * rate);
      expect(transfer.fee).toBeLessThan(vsize * (rate + 1n));
    }
    await expect(wallet.prepare({ to: await wallet.freshReceiveAddress(), amount: 10_000n, feeRate: 0n })).rejects.toMatchObject({
      code: WalletErrorCode.InvalidFeeRate,
    });
  });

  it('refuses a fee above the maximum the order allows, naming both', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const { wallet } = walletOf(chain);
    chain.fund(await wallet.freshReceiveAddress(), 1_000_000n);
    const to = await wallet.freshReceiveAddress();
    const { fee } = await wallet.prepare({ to, amount: 10_000n, feeRate: 10n });
    expect((await wallet.prepare({ to, amount: 10_000n, feeRate: 10n, maxFee: fee })).fee).toBe(fee);
    await expect(wallet.prepare({ to, amount: 10_000n, feeRate: 10n, maxFee: fee - 1n })).rejects.toMatchObject({
      code: WalletErrorCode.FeeAboveMaximum,
      message: expect.stringContaining(`the fee is ${fee} sat`),
    });
  });

  it('spends its own unconfirmed change, never a stranger’s unconfirmed payment, nor a coin twice', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const { wallet } = walletOf(chain);
    const payee = walletOf(chain).wallet;
    chain.fund(await wallet.freshReceiveAddress(), 300_000n);
    await pay(wallet, await payee.freshReceiveAddress(), 100_000n);
    // The only coin left is the unconfirmed change; the chain rejects any double spend.
    await pay(wallet, await payee.freshReceiveAddress(), 100_000n);

    const other = walletOf(chain).wallet;
    chain.fund(await other.freshReceiveAddress(), 300_000n, 0);
    await expect(other.prepare({ to: await payee.freshReceiveAddress(), amount: 10_000n })).rejects.toMatchObject({
      code: WalletErrorCode.InsufficientFunds,
      message: expect.stringContaining('the spendable balance is 0 sat'),
    });
  });

  it('refuses an address of another network, an invalid one and a dust amount before building anything', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const { wallet } = walletOf(chain);
    chain.fund(await wallet.freshReceiveAddress(), 300_000n);
    const testnet = new Bip84Account(seedFromMnemonic(createMnemonic()), BITCOIN_TESTNET).address(AddressChain.Receive, 0).address;
    await expect(wallet.prepare({ to: testnet, amount: 10_000n })).rejects.toMatchObject({ code: WalletErrorCode.WrongNetwork });
    await expect(wallet.prepare({ to: 'rb1qnotanaddress', amount: 10_000n })).rejects.toMatchObject({
      code: WalletErrorCode.InvalidAddress,
    });
    await expect(wallet.prepare({ to: await wallet.freshReceiveAddress(), amount: 100n })).rejects.toMatchObject({
      code: WalletErrorCode.Dust,
      message: expect.stringContaining('100 sat is dust'),
    });
  });

  it('restored from the mnemonic alone, finds coins past the first gap as the gap moves on', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const original = walletOf(chain);
    const handedOut: string[] = [];
    for (let index = 0; index < 30; index += 1) handedOut.push(await original.wallet.freshReceiveAddress());
    chain.fund(handedOut[5] ?? '', 1_000n);
    chain.fund(handedOut[24] ?? '', 2_000n);

    const restored = walletOf(chain, original.mnemonic);
    expect(await restored.wallet.balance()).toEqual({ confirmed: 3_000n, unconfirmed: 0n });
    expect(restored.state.nextReceiveIndex).toBe(25);
    expect(await restored.wallet.freshReceiveAddress()).toBe(handedOut[25]);
  });

  it('exports a PSBT another signer of the same keys signs, and the result is accepted', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const watcher = walletOf(chain);
    const signer = walletOf(chain, watcher.mnemonic, structuredClone(watcher.state));
    chain.fund(await watcher.wallet.freshReceiveAddress(), 200_000n);
    const payee = await walletOf(chain).wallet.freshReceiveAddress();
    const unsigned = await watcher.wallet.prepare({ to: payee, amount: 50_000n });
    expect(unsigned.complete).toBe(false);

    const imported = signer.wallet.importTransfer(unsigned.export());
    expect(imported).toMatchObject({ to: payee, amount: 50_000n, fee: unsigned.fee, outputIndex: unsigned.outputIndex });
    const signed = signer.wallet.sign(imported);
    expect(signed.complete).toBe(true);
    const sent = await watcher.wallet.send(watcher.wallet.importTransfer(signed.export()));
    expect(chain.confirmations(sent.transactionId)).toBe(0);
  });

  it('refuses to send what is not signed, and forgets it', async () => {
    const chain = new LocalBitcoinChain(BCOIN_REGTEST);
    const { wallet, state } = walletOf(chain);
    chain.fund(await wallet.freshReceiveAddress(), 200_000n);
    const unsigned = await wallet.prepare({ to: await wallet.freshReceiveAddress(), amount: 50_000n });
    await expect(wallet.send(unsigned)).rejects.toMatchObject({ code: WalletErrorCode.InvalidPsbt });
    expect(state.pending).toEqual([]);
  });

  describe('verifying a payment message against the chain', () => {
    const setUp = async () => {
      const chain = new LocalBitcoinChain(BCOIN_REGTEST);
      const payer = walletOf(chain).wallet;
      const payee = walletOf(chain).wallet;
      chain.fund(await payer.freshReceiveAddress(), 500_000n);
      const address = await payee.freshReceiveAddress();
      const sent = await pay(payer, address, 120_000n);
      const claim = { transactionId: sent.transactionId, outputIndex: sent.outputIndex, amount: 120_000n, address };
      return { chain, payee, claim };
    };

    it('believes a claim the transaction bears out, with its confirmations', async () => {
      const { chain, payee, claim } = await setUp();
      expect(await payee.verifyPayment(claim)).toEqual({ valid: true, confirmations: 0 });
      chain.mine();
      expect(await payee.verifyPayment(claim)).toEqual({ valid: true, confirmations: 1 });
    });

    it('shows a claim of another amount as the wrong amount', async () => {
      const { payee, claim } = await setUp();
      expect(await payee.verifyPayment({ ...claim, amount: 200_000n })).toEqual({
        valid: false,
        reason: `wrong amount: output ${claim.outputIndex} of ${claim.transactionId} pays 120000 sat, not the 200000 sat stated`,
      });
    });

    it('shows a claim naming an output that pays someone else as paying another address', async () => {
      const { payee, claim } = await setUp();
      const verification = await payee.verifyPayment({ ...claim, outputIndex: 1 - claim.outputIndex });
      expect(verification).toMatchObject({ valid: false, reason: expect.stringContaining('pays another address') });
    });

    it('shows a claim of a transaction the chain does not know as unknown', async () => {
      const { payee, claim } = await setUp();
      expect(await payee.verifyPayment({ ...claim, transactionId: '00'.repeat(32) })).toMatchObject({
        valid: false,
        reason: expect.stringContaining('unknown transaction'),
      });
    });

    it('refuses a claim to an address this wallet never handed out', async () => {
      const { chain, payee, claim } = await setUp();
      const stranger = await walletOf(chain).wallet.freshReceiveAddress();
      expect(await payee.verifyPayment({ ...claim, address: stranger })).toMatchObject({
        valid: false,
        reason: expect.stringContaining('no address this wallet handed out'),
      });
    });
  });
});
