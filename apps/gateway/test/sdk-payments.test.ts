import { BCOIN_REGTEST, ComingClient, MemoryClientStore, type PaymentEntry, TransferState } from '@coming/client';
import { type ChainTransaction, parseBlock, parseTransaction } from '@coming/chain';
import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, startRegtestNode } from '@coming/regtest';
import type { StartedService } from '@coming/runtime';
import { eventually, findFreePorts } from '@coming/testing';
import { hex } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaymentsOn } from './in-process-payments';
import { type InProcessServices, startInProcessServices } from './in-process-services';

/** Blocks a coinbase output waits before it may be spent. */
const COINBASE_MATURITY = 100;

/** A client of the in-process stack with a wallet on the node's regtest, its chain the server's payments service. */
async function walletClient(server: string): Promise<ComingClient> {
  const client = await ComingClient.create({ store: new MemoryClientStore(), server, bitcoin: { network: BCOIN_REGTEST } });
  await client.register();
  return client;
}

const sumOfOutputs = ({ outputs }: ChainTransaction) => outputs.reduce((sum, { valueSat }) => sum + valueSat, 0);

/** Resolves with the first `payment` event `client` emits that passes `test`. */
function paymentEvent(client: ComingClient, test: (payment: PaymentEntry) => boolean): Promise<PaymentEntry> {
  return new Promise((resolve) => {
    const stop = client.on('payment', (payment) => {
      if (!test(payment)) return;
      stop();
      resolve(payment);
    });
  });
}

describe('in-chat payments through the SDK, the gateway and the payments service on a regtest chain', () => {
  let node: RegtestNode | undefined;
  let services: InProcessServices;
  let paymentsService: StartedService | undefined;

  beforeAll(async () => {
    node = await startRegtestNode({ port: await findFreePorts(1) });
    // Alice's coinbase is mined later, once she watches her address; by then SegWit must be active and the coinbase mature.
    await node.mine(REGTEST_SEGWIT_HEIGHT - COINBASE_MATURITY);
    const paymentsUrl = `127.0.0.1:${await findFreePorts(1)}`;
    services = await startInProcessServices('sdk-payments', { gatewayEnv: { PAYMENTS_GRPC_TARGET: paymentsUrl } });
    paymentsService = await startPaymentsOn(node, paymentsUrl, services);
  }, 60_000);

  afterAll(async () => {
    await paymentsService?.close();
    await services?.release();
    await node?.close();
  });

  it('Bob requests 0.001 BTC, Alice pays it, Bob sees it in the mempool then confirmed, balances right to the satoshi', async () => {
    const regtest = node!;
    const [alice, bob] = await Promise.all([walletClient(services.gatewayUrl), walletClient(services.gatewayUrl)]);
    expect(await alice.chain.network()).toBe(BCOIN_REGTEST);

    const funding = await alice.wallet.freshReceiveAddress();
    const [coinbaseBlock] = await regtest.mine(1, funding);
    await regtest.mine(COINBASE_MATURITY);
    const funded = BigInt(
      sumOfOutputs(parseBlock(hex.decode(await regtest.rpc<string>('getblock', [coinbaseBlock, false]))).transactions[0]!),
    );
    await eventually(async () => (await alice.wallet.balance()).confirmed === funded, "Alice's coinbase in her balance");

    const requestSeen = new Promise((resolve) => alice.on('paymentRequest', resolve));
    const bobSeesInMempool = paymentEvent(bob, ({ check }) => check.state !== 'verifying');
    await Promise.all([alice.connect(), bob.connect()]);
    const request = await bob.payments.request(alice.accountId, 100_000n, { memo: 'lunch' });
    expect(await requestSeen).toMatchObject({
      direction: 'incoming',
      counterparty: bob.accountId,
      amount: 100_000n,
      address: request.address,
    });

    const paid = await alice.payments.pay(bob.accountId, 100_000n, { memo: 'lunch' });
    expect(paid.check).toMatchObject({ state: expect.stringMatching(/^(broadcast|in_mempool)$/) });
    expect(await bobSeesInMempool).toMatchObject({
      direction: 'incoming',
      counterparty: alice.accountId,
      amount: 100_000n,
      transactionId: paid.transactionId,
      check: { state: TransferState.InMempool, confirmations: 0 },
    });
    // Alice's one coin, the coinbase, is the payment's only input: the fee is what its outputs leave of it.
    const payment = parseTransaction(hex.decode(await regtest.rpc<string>('getrawtransaction', [paid.transactionId, false])));
    expect(payment.inputs).toHaveLength(1);
    const feeSat = funded - BigInt(sumOfOutputs(payment));
    expect(feeSat).toBeGreaterThan(0n);
    expect(await bob.wallet.balance()).toEqual({ confirmed: 0n, unconfirmed: 100_000n });

    const confirmed = ({ transactionId, check }: PaymentEntry) =>
      transactionId === paid.transactionId && check.state === TransferState.Confirmed;
    const bobSeesConfirmed = paymentEvent(bob, confirmed);
    const aliceSeesConfirmed = paymentEvent(alice, confirmed);
    await regtest.mine(1);
    expect((await bobSeesConfirmed).check).toEqual({ state: TransferState.Confirmed, confirmations: 1 });
    expect((await aliceSeesConfirmed).check).toEqual({ state: TransferState.Confirmed, confirmations: 1 });

    expect(await bob.wallet.balance()).toEqual({ confirmed: 100_000n, unconfirmed: 0n });
    expect(await alice.wallet.balance()).toEqual({ confirmed: funded - 100_000n - feeSat, unconfirmed: 0n });
    await Promise.all([alice.close(), bob.close()]);
  }, 120_000);

  it('bumps the fee of a payment: both sides show the replacement, not a second payment, and it confirms', async () => {
    const regtest = node!;
    const [alice, bob] = await Promise.all([walletClient(services.gatewayUrl), walletClient(services.gatewayUrl)]);
    const [coinbaseBlock] = await regtest.mine(1, await alice.wallet.freshReceiveAddress());
    await regtest.mine(COINBASE_MATURITY);
    const funded = BigInt(
      sumOfOutputs(parseBlock(hex.decode(await regtest.rpc<string>('getblock', [coinbaseBlock, false]))).transactions[0]!),
    );
    await eventually(async () => (await alice.wallet.balance()).confirmed === funded, "Alice's coinbase in her balance");
    // A client takes messages in only while something listens for them.
    bob.on('payment', () => undefined);
    await Promise.all([alice.connect(), bob.connect()]);
    const requestSeen = new Promise((resolve) => alice.on('paymentRequest', resolve));
    await bob.payments.request(alice.accountId, 250_000n);
    await requestSeen;

    const slow = await alice.payments.pay(bob.accountId, 250_000n, { feeRate: 1n });
    const bobHas = (txid: string, state: TransferState) =>
      bob.payments.list().payments.some(({ transactionId, check }) => transactionId === txid && check.state === state);
    await eventually(() => bobHas(slow.transactionId, TransferState.InMempool), 'Bob to see the first payment');
    const tooLow = await alice.payments.bump(slow.transactionId, 1n).catch((error: unknown) => error);
    expect(tooLow).toMatchObject({ code: 'INVALID_FEE_RATE', message: expect.stringContaining('already pays') });

    const bumped = await alice.payments.bump(slow.transactionId, 20n);
    expect(bumped.transactionId).not.toBe(slow.transactionId);
    await eventually(() => bobHas(bumped.transactionId, TransferState.InMempool), 'Bob to see the replacement');
    expect(await regtest.rpc<string[]>('getrawmempool', [])).toEqual([bumped.transactionId]);
    // One payment on each side, the bump's.
    for (const client of [alice, bob]) {
      expect(client.payments.list().payments.map(({ transactionId, amount }) => ({ transactionId, amount }))).toEqual([
        { transactionId: bumped.transactionId, amount: 250_000n },
      ]);
    }
    const replacement = parseTransaction(hex.decode(await regtest.rpc<string>('getrawtransaction', [bumped.transactionId, false])));
    const feeSat = funded - BigInt(sumOfOutputs(replacement));
    expect(feeSat).toBeGreaterThanOrEqual(20n * 100n);
    const gone = await alice.payments.bump(slow.transactionId, 40n).catch((error: unknown) => error);
    expect(gone).toMatchObject({ message: expect.stringContaining('is no payment this account sent') });

    const bobSeesConfirmed = paymentEvent(bob, ({ check }) => check.state === TransferState.Confirmed);
    await regtest.mine(1);
    expect(await bobSeesConfirmed).toMatchObject({ transactionId: bumped.transactionId });
    await eventually(async () => (await bob.wallet.balance()).confirmed === 250_000n, "Bob's balance");
    expect(await alice.wallet.balance()).toEqual({ confirmed: funded - 250_000n - feeSat, unconfirmed: 0n });
    await Promise.all([alice.close(), bob.close()]);
  }, 120_000);
});
