import { createMnemonic, seedFromMnemonic } from '@coming/identity';
import { content } from '@coming/proto';
import { type Address, verifyTypedData } from 'viem';
import { describe, expect, it } from 'vitest';
import { LocalXbtcChain, contractTypedData } from '../../../test/local-xbtc-chain';
import { XBTC, currencyOfWire, formatAmount, parseAmount } from '../currency';
import type { PreparedTransfer } from '../currency-adapter';
import { WalletErrorCode } from '../wallet.errors';
import { EvmAccount } from './evm-account';
import { AUTHORIZATION_LIFETIME_S, DEFAULT_MAX_FEE, XbtcWallet } from './xbtc-wallet';
import { type XbtcWalletState, emptyXbtcWalletState } from './xbtc-wallet-state';
import type { XbtcTransfer } from './xbtc-transfer';

const TOKEN = { chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address };

const walletOf = (
  chain: LocalXbtcChain,
  {
    mnemonic = createMnemonic(),
    state = emptyXbtcWalletState(),
    now = Date.now,
  }: { mnemonic?: string; state?: XbtcWalletState; now?: () => number } = {},
) => {
  const saved: XbtcWalletState[] = [];
  const wallet = new XbtcWallet(
    new EvmAccount(seedFromMnemonic(mnemonic)),
    TOKEN,
    chain,
    state,
    () => {
      saved.push(structuredClone(state));
      return Promise.resolve();
    },
    now,
  );
  return { wallet, state, saved, mnemonic };
};

const pay = async (wallet: XbtcWallet, to: string, amount: bigint) => wallet.send(wallet.sign(await wallet.prepare({ to, amount })));

describe(XbtcWallet.name, () => {
  it('is the X-BTC currency: 8 decimals of satoshis, named on the wire', () => {
    expect(currencyOfWire(content.Currency.CURRENCY_XBTC)).toBe(XBTC);
    expect(parseAmount(XBTC, '0.001')).toBe(100_000n);
    expect(formatAmount(XBTC, 100_000n)).toBe('0.001 X-BTC');
  });

  it('hands out its one address every time, watched by the chain service from the first', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet, state } = walletOf(chain);
    const first = await wallet.freshReceiveAddress();
    expect(await wallet.freshReceiveAddress()).toBe(first);
    expect([...chain.watched]).toEqual([first]);
    expect(state.watched).toBe(true);
    expect(wallet.ownsAddress(first.toLowerCase())).toBe(true);
  });

  it('signs an authorization that recovers to its address over the contract’s typed data', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet } = walletOf(chain);
    const address = (await wallet.freshReceiveAddress()) as Address;
    chain.mint(address, 1_000_000n);
    const signed = wallet.sign(await wallet.prepare({ to: await walletOf(chain).wallet.freshReceiveAddress(), amount: 100_000n }));
    const { authorization, signature } = signed as XbtcTransfer;
    expect(signed.complete).toBe(true);
    expect(authorization).toMatchObject({ from: address, value: 100_000n, fee: chain.feeQuoteSat, validAfter: 0n });
    expect(signature).toBeDefined();
    expect(await verifyTypedData({ ...contractTypedData(TOKEN, authorization), address, signature: signature ?? '0x' })).toBe(true);
  });

  it('pays through the relayer: the payee gets the amount, the relayer the fee, and the balances show it pending, then mined', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const alice = walletOf(chain).wallet;
    const bob = walletOf(chain).wallet;
    chain.mint(await alice.freshReceiveAddress(), 1_000_000n);
    const bobAddress = await bob.freshReceiveAddress();

    const sent = await pay(alice, bobAddress, 100_000n);

    expect(sent).toMatchObject({ amount: 100_000n, fee: 50n, outputIndex: 0, status: { state: 'in_mempool', confirmations: 0 } });
    expect(await alice.balance()).toEqual({ confirmed: 1_000_000n, unconfirmed: -100_050n });
    expect(await bob.balance()).toEqual({ confirmed: 0n, unconfirmed: 0n });
    chain.mine();
    expect(await alice.balance()).toEqual({ confirmed: 899_950n, unconfirmed: 0n });
    expect(await bob.balance()).toEqual({ confirmed: 100_000n, unconfirmed: 0n });
    expect(await chain.balanceOf(chain.relayer)).toBe(50n);
    expect(await alice.statuses([sent.transactionId])).toEqual([
      { transactionId: sent.transactionId, state: 'confirmed', confirmations: 1 },
    ]);
  });

  it('refuses insufficient funds naming the amounts, and counts transfers still pending against the balance', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet } = walletOf(chain);
    const payee = await walletOf(chain).wallet.freshReceiveAddress();
    chain.mint(await wallet.freshReceiveAddress(), 150_000n);
    await expect(wallet.prepare({ to: payee, amount: 200_000n })).rejects.toMatchObject({
      code: WalletErrorCode.InsufficientFunds,
      message: expect.stringContaining(
        'paying 200000 sat needs 200050 sat (200000 sat + 50 sat relayer fee); the spendable balance is 150000 sat, enough for at most 149950 sat after the fee',
      ),
    });
    await pay(wallet, payee, 100_000n);
    await expect(wallet.prepare({ to: payee, amount: 100_000n })).rejects.toMatchObject({
      code: WalletErrorCode.InsufficientFunds,
      message: expect.stringContaining('the spendable balance is 49950 sat'),
    });
  });

  it('quotes the fee from the chain service unless given, and refuses one above the maximum', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet } = walletOf(chain);
    const payee = await walletOf(chain).wallet.freshReceiveAddress();
    chain.mint(await wallet.freshReceiveAddress(), 1_000_000n);
    chain.feeQuoteSat = 70n;
    expect((await wallet.prepare({ to: payee, amount: 1_000n })).fee).toBe(70n);
    expect((await wallet.prepare({ to: payee, amount: 1_000n, feeRate: 30n })).fee).toBe(30n);
    await expect(wallet.prepare({ to: payee, amount: 1_000n, maxFee: 60n })).rejects.toMatchObject({
      code: WalletErrorCode.FeeAboveMaximum,
      message: expect.stringContaining('the fee is 70 sat (0.0000007 X-BTC), above the maximum of 60 sat'),
    });
    chain.feeQuoteSat = DEFAULT_MAX_FEE + 1n;
    await expect(wallet.prepare({ to: payee, amount: 1_000n })).rejects.toMatchObject({ code: WalletErrorCode.FeeAboveMaximum });
    expect((await wallet.prepare({ to: payee, amount: 1_000n, maxFee: DEFAULT_MAX_FEE + 1n })).fee).toBe(DEFAULT_MAX_FEE + 1n);
  });

  it('refuses a bad address, a zero amount and a chain service of another token before signing anything', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet } = walletOf(chain);
    chain.mint(await wallet.freshReceiveAddress(), 1_000_000n);
    const payee = await walletOf(chain).wallet.freshReceiveAddress();
    // The payee's address with its first letter's case flipped: its EIP-55 checksum fails.
    const letter = payee.slice(2).search(/[a-fA-F]/) + 2;
    const flipped =
      payee.charAt(letter) === payee.charAt(letter).toUpperCase() ? payee.charAt(letter).toLowerCase() : payee.charAt(letter).toUpperCase();
    const typo = `${payee.slice(0, letter)}${flipped}${payee.slice(letter + 1)}`;
    for (const to of ['0x1234', 'rb1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080']) {
      expect(() => wallet.checkAddress(to)).toThrow(expect.objectContaining({ code: WalletErrorCode.InvalidAddress }));
      await expect(wallet.prepare({ to, amount: 1_000n })).rejects.toMatchObject({ code: WalletErrorCode.InvalidAddress });
    }
    await expect(wallet.prepare({ to: typo, amount: 1_000n })).rejects.toMatchObject({
      code: WalletErrorCode.InvalidAddress,
      message: expect.stringContaining('EIP-55 checksum'),
    });
    await expect(wallet.prepare({ to: payee, amount: 0n })).rejects.toMatchObject({ code: WalletErrorCode.InvalidAmount });
    const elsewhere = walletOf(new LocalXbtcChain({ ...TOKEN, chainId: 1 })).wallet;
    await expect(elsewhere.prepare({ to: payee, amount: 1_000n })).rejects.toMatchObject({
      code: WalletErrorCode.WrongNetwork,
      message: expect.stringContaining("on chain 1; this wallet's is"),
    });
  });

  it('has a replayed authorization refused by the chain, and counts the one that went through once', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet, state } = walletOf(chain);
    const payee = await walletOf(chain).wallet.freshReceiveAddress();
    chain.mint(await wallet.freshReceiveAddress(), 1_000_000n);
    const signed = wallet.sign(await wallet.prepare({ to: payee, amount: 100_000n }));
    await wallet.send(signed);
    await expect(wallet.send(signed)).rejects.toMatchObject({
      code: WalletErrorCode.BroadcastRejected,
      message: expect.stringContaining('authorization is used'),
    });
    chain.mine();
    await expect(wallet.send(signed)).rejects.toMatchObject({
      code: WalletErrorCode.BroadcastRejected,
      message: expect.stringContaining('authorization is used'),
    });
    expect(state.pending).toHaveLength(1);
    expect(await wallet.balance()).toEqual({ confirmed: 899_950n, unconfirmed: 0n });
    expect(await chain.balanceOf(payee)).toBe(100_000n);
  });

  it('keeps a pending transfer in its saved state, so that a wallet opened again still counts it', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const first = walletOf(chain);
    chain.mint(await first.wallet.freshReceiveAddress(), 300_000n);
    await pay(first.wallet, await walletOf(chain).wallet.freshReceiveAddress(), 100_000n);
    const reopened = walletOf(chain, { mnemonic: first.mnemonic, state: structuredClone(first.saved.at(-1)) });
    expect(await reopened.wallet.balance()).toEqual({ confirmed: 300_000n, unconfirmed: -100_050n });
  });

  it('refuses to send what is not signed, what has expired, and what another wallet must sign', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    let clock = Date.now();
    const { wallet, state } = walletOf(chain, { now: () => clock });
    const other = walletOf(chain).wallet;
    chain.mint(await wallet.freshReceiveAddress(), 300_000n);
    const payee = await other.freshReceiveAddress();
    const unsigned = await wallet.prepare({ to: payee, amount: 10_000n });
    await expect(wallet.send(unsigned)).rejects.toMatchObject({
      code: WalletErrorCode.InvalidAuthorization,
      message: expect.stringContaining('not signed'),
    });
    expect(() => other.sign(other.importTransfer(unsigned.export()))).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidAuthorization, message: expect.stringContaining('not from this wallet') }),
    );
    const signed = wallet.sign(unsigned);
    clock += AUTHORIZATION_LIFETIME_S * 1000;
    await expect(wallet.send(signed)).rejects.toMatchObject({
      code: WalletErrorCode.InvalidAuthorization,
      message: expect.stringContaining('expired'),
    });
    expect(state.pending).toEqual([]);
  });

  it('exports an authorization another signer of the same key signs, and what it signed is relayed', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const watcher = walletOf(chain);
    const signer = walletOf(chain, { mnemonic: watcher.mnemonic });
    chain.mint(await watcher.wallet.freshReceiveAddress(), 200_000n);
    const payee = await walletOf(chain).wallet.freshReceiveAddress();
    const unsigned = await watcher.wallet.prepare({ to: payee, amount: 50_000n });
    expect(unsigned.complete).toBe(false);
    expect(JSON.parse(unsigned.export())).toMatchObject({
      primaryType: 'TransferWithFee',
      message: { to: payee, value: '50000', fee: '50' },
    });

    const imported = signer.wallet.importTransfer(unsigned.export());
    expect(imported).toMatchObject({ to: payee, amount: 50_000n, fee: 50n, complete: false });
    const signed = signer.wallet.sign(imported);
    const sent = await watcher.wallet.send(watcher.wallet.importTransfer(signed.export()));
    chain.mine();
    expect(await chain.balanceOf(payee)).toBe(50_000n);
    expect(await watcher.wallet.statuses([sent.transactionId])).toMatchObject([{ state: 'confirmed' }]);
  });

  it('refuses to import a transfer whose signature is not the payer’s, or that is not one at all', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet } = walletOf(chain);
    chain.mint(await wallet.freshReceiveAddress(), 200_000n);
    const signed = wallet.sign(await wallet.prepare({ to: await walletOf(chain).wallet.freshReceiveAddress(), amount: 50_000n }));
    const tampered = JSON.parse(signed.export()) as { message: { value: string } };
    tampered.message.value = '60000';
    expect(() => wallet.importTransfer(JSON.stringify(tampered))).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidAuthorization, message: expect.stringContaining('signature is not one by') }),
    );
    for (const text of ['not json', '{}', signed.export().replace('"TransferWithFee"', '"TransferWithAuthorization"')]) {
      expect(() => wallet.importTransfer(text)).toThrow(expect.objectContaining({ code: WalletErrorCode.InvalidAuthorization }));
    }
  });

  it('refuses to sign a transfer of another token, or of another currency', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const { wallet } = walletOf(chain);
    chain.mint(await wallet.freshReceiveAddress(), 200_000n);
    const exported = (await wallet.prepare({ to: await walletOf(chain).wallet.freshReceiveAddress(), amount: 50_000n })).export();
    const otherChain = exported.replace('"chainId": 31337', '"chainId": 1');
    expect(() => wallet.sign(wallet.importTransfer(otherChain))).toThrow(expect.objectContaining({ code: WalletErrorCode.WrongNetwork }));
    const bitcoin = { currency: { symbol: 'BTC' } } as PreparedTransfer;
    expect(() => wallet.sign(bitcoin)).toThrow(expect.objectContaining({ code: WalletErrorCode.InvalidAuthorization }));
  });

  it('bears out a payment to its address, and says why a claim does not hold', async () => {
    const chain = new LocalXbtcChain(TOKEN);
    const payer = walletOf(chain).wallet;
    const payee = walletOf(chain).wallet;
    chain.mint(await payer.freshReceiveAddress(), 1_000_000n);
    const address = await payee.freshReceiveAddress();
    const sent = await pay(payer, address, 100_000n);
    const claim = { transactionId: sent.transactionId, outputIndex: 0, amount: 100_000n, address };

    expect(await payee.verifyPayment(claim)).toEqual({ valid: true, confirmations: 0 });
    chain.mine();
    expect(await payee.verifyPayment(claim)).toEqual({ valid: true, confirmations: 1 });
    expect(await payee.verifyPayment({ ...claim, amount: 100_001n })).toEqual({
      valid: false,
      reason: `wrong amount: ${sent.transactionId} transfers 100000 sat to ${address}, less than the 100001 sat stated`,
    });
    expect(await payee.verifyPayment({ ...claim, transactionId: `0x${'00'.repeat(32)}` })).toMatchObject({
      valid: false,
      reason: expect.stringContaining('unknown transaction'),
    });
    const elsewhere = await walletOf(chain).wallet.freshReceiveAddress();
    expect(await payee.verifyPayment({ ...claim, address: elsewhere })).toMatchObject({
      valid: false,
      reason: expect.stringContaining("is not this wallet's address"),
    });
    // The payer's own wallet sees only the fee's transfer to the relayer, none to itself.
    expect(await payer.verifyPayment({ ...claim, address: await payer.freshReceiveAddress() })).toMatchObject({
      valid: false,
      reason: expect.stringContaining('transfers 0 sat'),
    });
  });

  it('refuses a fee bump: an X-BTC transfer cannot be replaced', async () => {
    const { wallet } = walletOf(new LocalXbtcChain(TOKEN));
    await expect(wallet.prepareReplacement(`0x${'11'.repeat(32)}`)).rejects.toMatchObject({ code: WalletErrorCode.NotReplaceable });
  });
});
