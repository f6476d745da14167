import { ComingClient, MemoryClientStore, type PaymentEntry, TransferState, XBTC } from '@coming/client';
import { type EvmDevnet, startEvmDevnet } from '@coming/evm-devnet';
import { eventually, findFreePorts, startTestStack, type TestStack } from '@coming/testing';
import { XBTC_ABI } from '@coming/xbtc';
import { type Address, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Confirmations after which an X-BTC status stops changing, here. */
const DEPTH = 2;

// The X-BTC acceptance run: the scaled stack (two gateways, payments as its own process)
// relaying on a real local EVM chain; Alice on the first gateway, Bob on the second.
describe('gasless X-BTC payments in the chat, on the scaled stack and a local EVM chain', () => {
  let chain: EvmDevnet;
  let stack: TestStack;
  const relayerKey = generatePrivateKey();
  const relayer = privateKeyToAccount(relayerKey).address;

  const client = async (gateway: number) => {
    const created = await ComingClient.create({
      store: new MemoryClientStore(),
      server: stack.gatewayUrl(gateway),
      xbtc: { token: { chainId: chain.chainId, address: chain.token } },
    });
    await created.register();
    return created;
  };
  const tokenBalance = (address: Address) =>
    chain.client.readContract({ address: chain.token, abi: XBTC_ABI, functionName: 'balanceOf', args: [address] });

  beforeAll(async () => {
    chain = await startEvmDevnet({ port: await findFreePorts(1) });
    await chain.setNativeBalance(relayer, parseEther('10'));
    stack = await startTestStack('sdk-xbtc-payments', {
      gateways: 2,
      env: {
        PAYMENTS_XBTC_RPC_URL: chain.rpcUrl,
        PAYMENTS_XBTC_TOKEN: chain.token,
        PAYMENTS_XBTC_CHAIN_ID: String(chain.chainId),
        PAYMENTS_XBTC_RELAYER_KEY: relayerKey,
        PAYMENTS_XBTC_CONFIRMATION_DEPTH: String(DEPTH),
        PAYMENTS_XBTC_POLL_INTERVAL_MS: '100',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.release();
    await chain?.close();
  });

  it('Alice, holding X-BTC and no gas coin, pays Bob 0.001 X-BTC; Bob sees it pending then confirmed; balances exact, the fee as signed; a claim the chain does not bear out is invalid', async () => {
    const [alice, bob] = await Promise.all([client(0), client(1)]);
    const bobPayments: PaymentEntry[] = [];
    bob.on('payment', (payment) => bobPayments.push(payment));
    const requestSeen = new Promise((resolve) => alice.on('paymentRequest', resolve));
    await Promise.all([alice.connect(), bob.connect()]);

    const aliceAddress = (await alice.xbtcWallet.freshReceiveAddress()) as Address;
    await chain.mint(aliceAddress, 1_000_000n);
    expect(await chain.client.getBalance({ address: aliceAddress })).toBe(0n);
    await eventually(async () => (await alice.xbtcWallet.balance()).confirmed === 1_000_000n, "Alice's X-BTC in her balance");

    // The relayed transfer then waits for a block, so that Bob is shown it pending first, as on a real chain.
    await chain.setAutomine(false);
    const request = await bob.payments.request(alice.accountId, 100_000n, { currency: XBTC, memo: 'coffee' });
    await requestSeen;
    const relayerBefore = await tokenBalance(relayer);
    const paid = await alice.payments.pay(bob.accountId, 100_000n, { currency: XBTC, maxFee: 10_000n });
    expect(paid.transactionId).toMatch(/^0x[0-9a-f]{64}$/);

    const bobSees = (state: TransferState) =>
      bobPayments.some((payment) => payment.transactionId === paid.transactionId && payment.check.state === state);
    await eventually(() => bobSees(TransferState.InMempool), 'Bob to see the payment pending');
    expect(bobSees(TransferState.Confirmed)).toBe(false);
    await chain.mine(DEPTH);
    await eventually(() => bobSees(TransferState.Confirmed), 'Bob to see it confirmed');
    // Checked on chain before anything else was shown, then pending, then confirmed.
    const shown = bobPayments.filter((payment) => payment.transactionId === paid.transactionId).map((payment) => payment.check.state);
    expect(shown[0]).toBe('verifying');
    expect(shown.indexOf(TransferState.InMempool)).toBeLessThan(shown.indexOf(TransferState.Confirmed));

    const fee = (await tokenBalance(relayer)) - relayerBefore;
    expect(fee).toBeGreaterThan(0n);
    expect(await tokenBalance(request.address as Address)).toBe(100_000n);
    expect(await tokenBalance(aliceAddress)).toBe(1_000_000n - 100_000n - fee);
    // The fee is exactly what Alice signed: the relayed transaction's authorization says so.
    const receipt = await chain.client.getTransaction({ hash: paid.transactionId as `0x${string}` });
    expect(receipt.input).toContain(fee.toString(16).padStart(64, '0'));
    expect(await chain.client.getBalance({ address: aliceAddress })).toBe(0n);
    await eventually(async () => (await bob.xbtcWallet.balance()).confirmed === 100_000n, "Bob's X-BTC balance");

    // A payment message claiming what the chain does not bear out is not believed: Bob's
    // wallet asks the server's follower about the claimed transaction, on the real chain.
    const claim = { transactionId: paid.transactionId, outputIndex: 0, amount: 100_000n, address: request.address };
    expect(await bob.xbtcWallet.verifyPayment(claim)).toMatchObject({ valid: true });
    expect(await bob.xbtcWallet.verifyPayment({ ...claim, transactionId: `0x${'ab'.repeat(32)}` })).toMatchObject({
      valid: false,
      reason: expect.stringContaining('unknown transaction'),
    });
    expect(await bob.xbtcWallet.verifyPayment({ ...claim, amount: 200_000n })).toMatchObject({
      valid: false,
      reason: expect.stringContaining('less than the 200000 sat stated'),
    });
    await Promise.all([alice.close(), bob.close()]);
  }, 120_000);
});
