import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { messaging } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, getAddress } from 'viem';
import { LocalBitcoinChain } from '../../test/local-bitcoin-chain';
import { LocalXbtcChain } from '../../test/local-xbtc-chain';
import { ClientEvents } from '../events/client-events';
import { incomingOf } from '../receiving/incoming-content';
import type { OutgoingMessage } from '../sending/outbox';
import { StateKeeper } from '../state-keeper';
import { MemoryClientStore } from '../store/memory-client-store';
import { BCOIN_REGTEST } from '../wallet/bitcoin/bitcoin-network';
import { BTC, XBTC } from '../wallet/currency';
import { TransferState } from '../wallet/transfer-status';
import { WalletErrorCode } from '../wallet/wallet.errors';
import { walletOfState, xbtcWalletOfState } from '../wallet/wallet-of-state';
import type { PaymentEntry } from './payment-entries';
import { Payments } from './payments';

type Tamper = (message: OutgoingMessage) => OutgoingMessage;

/**
 * Two accounts whose payment messages go straight from one's Payments to the other's, as
 * the inbox would hand them over once decrypted; their wallets share one in-memory chain
 * that accepts only validly signed transactions.
 */
function twoAccounts(options: { payeeIsLinked?: boolean } = {}) {
  const chain = new LocalBitcoinChain(BCOIN_REGTEST);
  const xbtcChain = new LocalXbtcChain({ chainId: 31337, address: getAddress(bytesToHex(randomBytes(20))) });
  const clock = { ms: Date.now() };
  const sides = new Map<string, ReturnType<typeof side>>();
  let tamper: Tamper = (message) => message;
  const side = (linked: boolean) => {
    const mnemonic = createMnemonic();
    const accountId = accountKeyFromMnemonic(mnemonic).accountId;
    const keeper = new StateKeeper(
      { mnemonic: linked ? undefined : mnemonic, accountId, recipients: {}, seen: [] },
      new MemoryClientStore(),
    );
    const events = new ClientEvents();
    const seen: PaymentEntry[] = [];
    events.on('payment', (payment) => seen.push(payment));
    const errors: Error[] = [];
    const outbox = {
      send: (message: OutgoingMessage) => {
        const { to, body, clientMessageId, clientTimestampMs } = tamper(message);
        const envelope: messaging.Envelope = {
          serverGuid: randomBytes(16),
          sourceAccount: accountId,
          sourceDevice: 1,
          destinationAccount: to,
          destinationDevice: 1,
          clientMessageId,
          clientTimestampMs,
          serverTimestampMs: Date.now(),
          contentType: messaging.ContentType.CONTENT_TYPE_SIGNAL_MESSAGE,
          content: new Uint8Array(),
        };
        const incoming = incomingOf(envelope, { ...body, identityKeySignature: new Uint8Array() }, to);
        if ('payment' in incoming || 'paymentRequest' in incoming) sides.get(to)?.payments.received(incoming);
        return Promise.resolve({ outcomes: [], sms: [], queuedForServer: [] });
      },
    };
    const wallet = () => walletOfState(keeper, { network: BCOIN_REGTEST, chain });
    const xbtcWallet = () => xbtcWalletOfState(keeper, { token: xbtcChain.token, chain: xbtcChain });
    const payments = new Payments(
      keeper,
      outbox,
      events,
      (currency) => (currency === XBTC ? xbtcWallet() : wallet()),
      (error) => errors.push(error),
      () => clock.ms,
    );
    const entry = { accountId, payments, wallet, xbtcWallet, seen, errors, events };
    sides.set(accountId, entry);
    return entry;
  };
  const alice = side(false);
  const bob = side(options.payeeIsLinked ?? false);
  return { chain, xbtcChain, clock, alice, bob, tamperWith: (next: Tamper) => (tamper = next) };
}

/** Resolves with the next `payment` event whose check is no longer "verifying". */
const checked = (side: { events: ClientEvents }) =>
  new Promise<PaymentEntry>((resolve) => {
    const stop = side.events.on('payment', (payment) => {
      if (payment.check.state === 'verifying') return;
      stop();
      resolve(payment);
    });
  });

describe(Payments.name, () => {
  it('requests, pays, and shows the payment in the mempool, then confirmed, with balances right to the satoshi', async () => {
    const { chain, alice, bob } = twoAccounts();
    chain.fund(await alice.wallet().freshReceiveAddress(), 1_000_000n);
    const requested = new Promise((resolve) => alice.events.on('paymentRequest', resolve));

    const request = await bob.payments.request(alice.accountId, 100_000n, { memo: 'lunch' });
    expect(await requested).toMatchObject({
      direction: 'incoming',
      counterparty: bob.accountId,
      amount: 100_000n,
      address: request.address,
      memo: 'lunch',
    });
    expect(chain.watched.has(request.address)).toBe(true);

    const bobSees = checked(bob);
    const paid = await alice.payments.pay(bob.accountId, 100_000n);
    expect(paid.check).toEqual({ state: TransferState.InMempool, confirmations: 0 });
    expect(await bobSees).toMatchObject({
      direction: 'incoming',
      amount: 100_000n,
      transactionId: paid.transactionId,
      check: { state: TransferState.InMempool },
    });

    chain.mine();
    const status = { transactionId: paid.transactionId, state: TransferState.Confirmed, confirmations: 1 };
    await Promise.all([alice.payments.statusChanged(status), bob.payments.statusChanged(status)]);
    for (const side of [alice, bob]) expect(side.seen.at(-1)?.check).toEqual({ state: TransferState.Confirmed, confirmations: 1 });
    const fee = 1_000_000n - 100_000n - (await alice.wallet().balance()).confirmed;
    expect(fee).toBeGreaterThan(0n);
    expect(await bob.wallet().balance()).toEqual({ confirmed: 100_000n, unconfirmed: 0n });
    expect(bob.payments.list().payments).toHaveLength(1);
  });

  it('requests and pays in X-BTC through the same messages, and counts one transfer for one request only', async () => {
    const { xbtcChain, alice, bob } = twoAccounts();
    xbtcChain.mint(await alice.xbtcWallet().freshReceiveAddress(), 1_000_000n);
    const requested = new Promise((resolve) => alice.events.on('paymentRequest', resolve));
    const request = await bob.payments.request(alice.accountId, 100_000n, { currency: XBTC });
    expect(await requested).toMatchObject({ currency: XBTC, amount: 100_000n, address: request.address });
    await expect(alice.payments.pay(bob.accountId, 100_000n)).rejects.toThrow(/no unpaid payment request for 100000 sat of BTC/);

    const bobSees = checked(bob);
    const paid = await alice.payments.pay(bob.accountId, 100_000n, { currency: XBTC, maxFee: 1_000n });
    expect(paid.transactionId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await bobSees).toMatchObject({ currency: XBTC, transactionId: paid.transactionId, check: { state: TransferState.InMempool } });
    xbtcChain.mine();
    expect(await bob.xbtcWallet().balance()).toEqual({ confirmed: 100_000n, unconfirmed: 0n });
    expect((await alice.xbtcWallet().balance()).confirmed).toBe(1_000_000n - 100_000n - xbtcChain.feeQuoteSat);

    // A second request to the same (reused) address, answered with the transfer of the first.
    const again = await bob.payments.request(alice.accountId, 100_000n, { currency: XBTC });
    expect(again.address).toBe(request.address);
    const reused = checked(bob);
    bob.payments.received({
      payment: { ...paid, from: alice.accountId, fromDevice: 1, sentAt: Date.now(), requestId: again.requestId, currency: XBTC },
    } as unknown as Parameters<Payments['received']>[0]);
    expect((await reused).check).toEqual({ state: 'invalid', reason: `${paid.transactionId} already paid another request` });
  });

  it('shows a payment whose message overstates the amount as invalid, with the reason', async () => {
    const { chain, alice, bob, tamperWith } = twoAccounts();
    chain.fund(await alice.wallet().freshReceiveAddress(), 1_000_000n);
    await bob.payments.request(alice.accountId, 100_000n);
    tamperWith((message) =>
      message.body.payment ? { ...message, body: { payment: { ...message.body.payment, amount: 150_000 } } } : message,
    );
    const bobSees = checked(bob);
    const paid = await alice.payments.pay(bob.accountId, 100_000n);
    expect((await bobSees).check).toEqual({
      state: 'invalid',
      reason: `wrong amount: output ${paid.outputIndex} of ${paid.transactionId} pays 100000 sat, not the 150000 sat stated`,
    });
  });

  it('shows a payment whose named output pays another address as invalid', async () => {
    const { chain, alice, bob, tamperWith } = twoAccounts();
    chain.fund(await alice.wallet().freshReceiveAddress(), 1_000_000n);
    await bob.payments.request(alice.accountId, 100_000n);
    // The other output is Alice's change.
    tamperWith((message) =>
      message.body.payment
        ? { ...message, body: { payment: { ...message.body.payment, outputIndex: 1 - message.body.payment.outputIndex } } }
        : message,
    );
    const bobSees = checked(bob);
    await alice.payments.pay(bob.accountId, 100_000n);
    expect((await bobSees).check).toMatchObject({ state: 'invalid', reason: expect.stringContaining('pays another address') });
  });

  it('shows a payment that pays less than the request asked as invalid', async () => {
    const { chain, alice, bob, tamperWith } = twoAccounts();
    chain.fund(await alice.wallet().freshReceiveAddress(), 1_000_000n);
    await bob.payments.request(alice.accountId, 100_000n);
    tamperWith((message) =>
      message.body.payment ? { ...message, body: { payment: { ...message.body.payment, amount: 90_000 } } } : message,
    );
    const bobSees = checked(bob);
    await alice.payments.pay(bob.accountId, 100_000n);
    expect((await bobSees).check).toEqual({ state: 'invalid', reason: 'wrong amount: it pays 90000 sat; the request asked 100000 sat' });
  });

  it('refuses to pay without a request, or once the request expired', async () => {
    const { clock, alice, bob } = twoAccounts();
    await expect(alice.payments.pay(bob.accountId, 100_000n)).rejects.toMatchObject({
      message: expect.stringContaining(`${bob.accountId} has sent no unpaid payment request for 100000`),
    });
    await bob.payments.request(alice.accountId, 50_000n, { lifetimeMs: 60_000 });
    clock.ms += 60_000;
    await expect(alice.payments.pay(bob.accountId, 50_000n)).rejects.toMatchObject({ message: expect.stringContaining('expired') });
  });

  it('on a linked device, requests nothing and keeps a received payment unverified, saying why', async () => {
    const { alice, bob } = twoAccounts({ payeeIsLinked: true });
    await expect(bob.payments.request(alice.accountId, 100_000n)).rejects.toMatchObject({ code: WalletErrorCode.NoWallet });
    const bobSees = checked(bob);
    bob.payments.received({
      payment: {
        from: alice.accountId,
        fromDevice: 1,
        sentAt: 1,
        serverGuid: '00',
        requestId: 'ab'.repeat(16),
        currency: BTC,
        amount: 100_000n,
        transactionId: 'cd'.repeat(32),
        outputIndex: 0,
        memo: '',
      },
    });
    expect((await bobSees).check).toEqual({ state: 'unverified', reason: expect.stringContaining('linked device') });
  });
});
