import { subjects } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, GrpcCallError, GrpcStatus, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { createLogger } from '@coming/logging';
import { events, payments } from '@coming/proto';
import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, RegtestWallet, type Spendable, startRegtestNode } from '@coming/regtest';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, findFreePorts, tableColumnMismatches, type TestInfrastructure } from '@coming/testing';
import { sql } from 'kysely';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPayments } from '../src/payments.app';
import { paymentsConfigSchema } from '../src/payments.config';
import { DECLARED_COLUMNS } from './declared-columns';

const DEADLINE_MS = 30_000;
const DEPTH = 3;
const { PaymentState } = payments;

const newAccountId = () => accountKeyFromMnemonic(createMnemonic()).accountId;

describe('payments gRPC service on a regtest chain', () => {
  let node: RegtestNode;
  let infrastructure: TestInfrastructure;
  let service: StartedService;
  let client: payments.PaymentsServiceClient;
  const logs: string[] = [];
  const published: events.PaymentStatusChanged[] = [];
  /** Checks waiting for an event; each returns true (and leaves) once one matched. */
  let waiters: (() => boolean)[] = [];
  /** Alice pays from coinbase outputs of her wallet; Bob receives at fresh addresses. */
  const alice = { accountId: newAccountId(), wallet: new RegtestWallet() };
  const bob = { accountId: newAccountId(), wallet: new RegtestWallet() };
  let coins: Spendable[];

  const call = <Response>(call: (client: payments.PaymentsServiceClient) => import('rxjs').Observable<Response>) =>
    callGrpc(call(client), DEADLINE_MS);
  const freshAddress = () => new RegtestWallet().address;

  /** Resolves with the first status event (already published or still to come) that matches. */
  const statusEvent = (accountId: string, matches: (status: payments.PaymentStatus) => boolean) =>
    new Promise<payments.PaymentStatus>((resolve) => {
      const check = () => {
        const found = published.find((event) => event.accountId === accountId && event.status !== undefined && matches(event.status));
        if (found?.status === undefined) return false;
        resolve(found.status);
        return true;
      };
      if (!check()) waiters.push(check);
    });

  const broadcast = (accountId: string, rawTransaction: Uint8Array) =>
    call((c) => c.broadcastTransaction({ accountId, deviceId: 1, rawTransaction })).then(({ result }) => result);

  const watch = (accountId: string, addresses: string[]) => call((c) => c.watchAddresses({ accountId, deviceId: 1, addresses }));

  beforeAll(async () => {
    const [rpcPort, grpcPort] = [await findFreePorts(1), await findFreePorts(1)];
    node = await startRegtestNode({ port: rpcPort });
    coins = await alice.wallet.mineCoinbases(node, 6);
    await node.mine(REGTEST_SEGWIT_HEIGHT - node.height());
    infrastructure = await createTestInfrastructure('payments');
    const logger = createLogger({
      service: 'payments',
      level: 'debug',
      destination: new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          logs.push(chunk.toString());
          done();
        },
      }),
    });
    const url = `127.0.0.1:${grpcPort}`;
    const config = loadConfig(paymentsConfigSchema, {
      PAYMENTS_GRPC_URL: url,
      COMING_NETWORK: 'regtest',
      PAYMENTS_BACKEND_URL: node.rpcUrl,
      PAYMENTS_POLL_INTERVAL_MS: '100',
      PAYMENTS_CONFIRMATION_DEPTH: String(DEPTH),
    });
    infrastructure.broker.subscribe(subjects.paymentStatus('*'), (message) => {
      published.push(events.PaymentStatusChanged.decode(message.data));
      waiters = waiters.filter((waiter) => !waiter());
    });
    service = await startPayments(config, { ...infrastructure, logger });
    client = createGrpcClient(grpcServices.payments, { url, serviceToken: infrastructure.serviceToken });
    await watch(alice.accountId, [alice.wallet.address]);
  });

  afterAll(async () => {
    await service?.close();
    await infrastructure?.release();
    await node?.close();
  });

  it('has exactly the columns its table types declare', async () => {
    expect(await tableColumnMismatches(infrastructure.db, DECLARED_COLUMNS)).toEqual([]);
  });

  it("describes bcoin's regtest with its own address prefix", async () => {
    const { chain } = await call((c) => c.getChainInfo({}));
    expect(chain).toMatchObject({
      currency: payments.Currency.CURRENCY_BTC,
      network: payments.Network.NETWORK_REGTEST,
      bech32Prefix: 'rb',
      p2pkhVersion: 0x3c,
      p2shVersion: 0x26,
      confirmationDepth: DEPTH,
      backendAvailable: true,
    });
  });

  it('follows a payment from request to mempool to confirmed, up to the depth and no further', async () => {
    const address = freshAddress();
    const requested = await call((c) =>
      c.registerPaymentRequest({ accountId: bob.accountId, deviceId: 1, address, amountSat: 100_000, expiresAtMs: Date.now() + 3_600_000 }),
    );
    expect(requested.registered).toMatchObject({
      state: PaymentState.PAYMENT_STATE_REQUESTED,
      txid: '',
      request: { address, amountSat: 100_000 },
    });

    const payment = alice.wallet.spend([coins[0]!], [{ address, valueSat: 100_000 }], 2_000);
    const result = await broadcast(alice.accountId, payment.raw);
    // BROADCAST, or already IN_MEMPOOL when a watcher pass saw it there before the answer.
    expect(result?.accepted).toMatchObject({ txid: payment.txid });
    expect([PaymentState.PAYMENT_STATE_BROADCAST, PaymentState.PAYMENT_STATE_IN_MEMPOOL]).toContain(result?.accepted?.state);

    const seen = await statusEvent(
      bob.accountId,
      (status) => status.txid === payment.txid && status.state === PaymentState.PAYMENT_STATE_IN_MEMPOOL,
    );
    expect(seen).toMatchObject({
      receivedSat: 100_000,
      spentSat: 0,
      addresses: [address],
      confirmations: 0,
      request: { address, amountSat: 100_000 },
    });
    const change = 5_000_000_000 - 100_000 - 2_000;
    await statusEvent(alice.accountId, (status) => status.txid === payment.txid && status.state === PaymentState.PAYMENT_STATE_IN_MEMPOOL);

    const [blockHash] = await node.mine(1);
    const confirmed = await statusEvent(bob.accountId, (status) => status.txid === payment.txid && status.confirmations === 1);
    expect(confirmed).toMatchObject({ state: PaymentState.PAYMENT_STATE_CONFIRMED, blockHash, blockHeight: node.height() });
    await node.mine(DEPTH - 1);
    await statusEvent(bob.accountId, (status) => status.txid === payment.txid && status.confirmations === DEPTH);
    await node.mine(1);
    const { statuses } = await call((c) =>
      c.getPaymentStatuses({ accountId: bob.accountId, txids: [payment.txid], requestAddresses: [address], updatedAfterMs: 0 }),
    );
    expect(statuses?.statuses).toHaveLength(1);
    expect(statuses?.statuses[0]).toMatchObject({
      confirmations: DEPTH,
      state: PaymentState.PAYMENT_STATE_CONFIRMED,
      request: { address },
    });
    expect(
      published.filter(
        ({ accountId, status }) => accountId === bob.accountId && status?.txid === payment.txid && status.confirmations > DEPTH,
      ),
    ).toEqual([]);

    const { utxos } = await call((c) => c.getUtxos({ accountId: bob.accountId, addresses: [], minConfirmations: 1 }));
    expect(utxos?.utxos).toEqual([expect.objectContaining({ txid: payment.txid, vout: 0, address, valueSat: 100_000 })]);
    expect(utxos?.utxos[0]?.confirmations).toBeGreaterThanOrEqual(DEPTH);
    const aliceUtxos = await call((c) =>
      c.getUtxos({ accountId: alice.accountId, addresses: [alice.wallet.address], minConfirmations: 0 }),
    );
    expect(aliceUtxos.utxos?.utxos.map(({ txid, valueSat }) => ({ txid, valueSat }))).toEqual([{ txid: payment.txid, valueSat: change }]);
  });

  it('broadcasts idempotently on the txid, and returns the node’s reason for a rejection', async () => {
    const payment = alice.wallet.spend([coins[1]!], [{ address: freshAddress(), valueSat: 50_000 }], 2_000);
    const first = await broadcast(alice.accountId, payment.raw);
    const again = await broadcast(alice.accountId, payment.raw);
    expect(again?.accepted?.txid, JSON.stringify(again?.rejected)).toBe(first?.accepted?.txid);
    const { history } = await call((c) => c.getHistory({ accountId: alice.accountId, addresses: [], limit: 0 }));
    expect(history?.statuses.filter(({ txid }) => txid === payment.txid)).toHaveLength(1);

    // Its input is already spent by the payment of the test before.
    const doubleSpend = alice.wallet.spend([coins[0]!], [{ address: freshAddress(), valueSat: 70_000 }], 2_000);
    const refused = await broadcast(alice.accountId, doubleSpend.raw);
    expect(refused?.rejected?.txid).toBe(doubleSpend.txid);
    expect(refused?.rejected?.reason).toContain('bad-txns-inputs-missingorspent');
  });

  it('refuses what is not a signed transaction, naming it', async () => {
    const psbt = await broadcast(alice.accountId, Buffer.from('70736274ff0100', 'hex')).catch((error: unknown) => error);
    expect(psbt).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, message: expect.stringContaining('is a PSBT') });
    const garbage = await broadcast(alice.accountId, Buffer.from('0102', 'hex')).catch((error: unknown) => error);
    expect(garbage).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringContaining('raw_transaction is not a transaction'),
    });
  });

  it('detects a fee bump as the replacement of the payment, not a second payment', async () => {
    const address = freshAddress();
    await watch(bob.accountId, [address]);
    const original = alice.wallet.spend([coins[2]!], [{ address, valueSat: 30_000 }], 1_000);
    const bumped = alice.wallet.spend([coins[2]!], [{ address, valueSat: 30_000 }], 9_000);
    await broadcast(alice.accountId, original.raw);
    await statusEvent(bob.accountId, (status) => status.txid === original.txid && status.state === PaymentState.PAYMENT_STATE_IN_MEMPOOL);
    // The bump never reaches this node's mempool: a miner that saw it first mines it.
    await node.mineBlockWith([bumped.raw]);

    const replaced = await statusEvent(
      bob.accountId,
      (status) => status.txid === original.txid && status.state === PaymentState.PAYMENT_STATE_REPLACED,
    );
    expect(replaced.replacedByTxid).toBe(bumped.txid);
    await statusEvent(alice.accountId, (status) => status.txid === original.txid && status.state === PaymentState.PAYMENT_STATE_REPLACED);
    await statusEvent(bob.accountId, (status) => status.txid === bumped.txid && status.state === PaymentState.PAYMENT_STATE_CONFIRMED);
    const { utxos } = await call((c) => c.getUtxos({ accountId: bob.accountId, addresses: [address], minConfirmations: 0 }));
    expect(utxos?.utxos.map(({ txid, valueSat }) => ({ txid, valueSat }))).toEqual([{ txid: bumped.txid, valueSat: 30_000 }]);
    const { history } = await call((c) => c.getHistory({ accountId: bob.accountId, addresses: [address], limit: 0 }));
    const live = history?.statuses.filter(({ state }) => state !== PaymentState.PAYMENT_STATE_REPLACED);
    expect(live?.map(({ txid, receivedSat }) => ({ txid, receivedSat }))).toEqual([{ txid: bumped.txid, receivedSat: 30_000 }]);
  });

  it('sends a reorganised-out payment back to the mempool, and forward again when it is mined anew', async () => {
    const address = freshAddress();
    await watch(bob.accountId, [address]);
    const payment = alice.wallet.spend([coins[3]!], [{ address, valueSat: 40_000 }], 2_000);
    await broadcast(alice.accountId, payment.raw);
    await node.mine(1);
    const confirmed = await statusEvent(bob.accountId, (status) => status.txid === payment.txid && status.confirmations === 1);

    // A competing miner's longer branch from the block before.
    await node.mineFork(confirmed.blockHeight - 1, 2);
    const back = await statusEvent(
      bob.accountId,
      (status) =>
        status.txid === payment.txid &&
        status.state === PaymentState.PAYMENT_STATE_IN_MEMPOOL &&
        status.updatedAtMs > confirmed.updatedAtMs,
    );
    expect(back).toMatchObject({ confirmations: 0, blockHeight: 0, blockHash: '' });

    const [blockHash] = await node.mine(1);
    const again = await statusEvent(bob.accountId, (status) => status.txid === payment.txid && status.blockHash === blockHash);
    expect(again).toMatchObject({ state: PaymentState.PAYMENT_STATE_CONFIRMED, confirmations: 1, blockHeight: confirmed.blockHeight + 2 });
  });

  it('expires a payment request nobody paid', async () => {
    const address = freshAddress();
    await call((c) =>
      c.registerPaymentRequest({ accountId: bob.accountId, deviceId: 1, address, amountSat: 1_000, expiresAtMs: Date.now() + 2_000 }),
    );
    const expired = await statusEvent(
      bob.accountId,
      (status) => status.request?.address === address && status.state === PaymentState.PAYMENT_STATE_EXPIRED,
    );
    expect(expired).toMatchObject({ txid: '', request: { amountSat: 1_000 } });
  });

  it("refuses to watch or read another account's addresses, and addresses of another network", async () => {
    const address = freshAddress();
    await watch(bob.accountId, [address]);
    const refusals = [
      await watch(alice.accountId, [address]),
      await call((c) => c.getUtxos({ accountId: alice.accountId, addresses: [address], minConfirmations: 0 })),
      await call((c) => c.getHistory({ accountId: alice.accountId, addresses: [address], limit: 10 })),
      await call((c) => c.getPaymentStatuses({ accountId: alice.accountId, txids: [], requestAddresses: [address], updatedAfterMs: 0 })),
      await call((c) =>
        c.registerPaymentRequest({ accountId: alice.accountId, deviceId: 1, address, amountSat: 1, expiresAtMs: Date.now() + 60_000 }),
      ),
    ];
    for (const refusal of refusals) expect(refusal.foreignAddresses).toEqual({ addresses: [address] });
    // Unwatching someone else's address removes nothing.
    expect(await call((c) => c.unwatchAddresses({ accountId: alice.accountId, deviceId: 1, addresses: [address] }))).toEqual({
      unwatched: { removed: 0 },
    });

    const mainnet = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
    const wrongNetwork = await watch(bob.accountId, [mainnet]).catch((error: unknown) => error);
    expect(wrongNetwork).toBeInstanceOf(GrpcCallError);
    expect(wrongNetwork).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringContaining(`"${mainnet}" is not a regtest address`),
    });
  });

  it('falls back to the configured fee rate when the node has no estimate', async () => {
    expect(await call((c) => c.getFeeEstimate({ targetBlocks: 0 }))).toEqual({
      estimate: { satPerVbyte: 2, targetBlocks: 6, fallback: true },
    });
    const bad = await call((c) => c.getFeeEstimate({ targetBlocks: 5_000 })).catch((error: unknown) => error);
    expect(bad).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, message: expect.stringContaining('target_blocks') });
  });

  it('keeps no private key in any table, event or log', async () => {
    const tables = Object.keys(DECLARED_COLUMNS);
    const rows = await Promise.all(tables.map((table) => sql`select * from ${sql.table(table)}`.execute(infrastructure.db)));
    const stored = JSON.stringify(rows.map(({ rows }) => rows));
    const everything = [stored, JSON.stringify(published.map((event) => events.PaymentStatusChanged.toJSON(event))), logs.join('')].join(
      '\n',
    );
    expect(stored).toContain(alice.wallet.address);
    for (const secret of [...alice.wallet.secretForms(), ...bob.wallet.secretForms()]) expect(everything).not.toContain(secret);
  });
});
