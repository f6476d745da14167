import { subjects } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { type EvmDevnet, startEvmDevnet } from '@coming/evm-devnet';
import { callGrpc, createGrpcClient, GrpcStatus, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, createMnemonic } from '@coming/identity';
import { createLogger } from '@coming/logging';
import { events, payments } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, findFreePorts, tableColumnMismatches, type TestInfrastructure } from '@coming/testing';
import { TRANSFER_WITH_FEE_TYPES, type TransferWithFee, XBTC_ABI, xbtcDomain } from '@coming/xbtc';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { type Address, hexToBytes, parseEther, toHex } from 'viem';
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPayments } from '../src/payments.app';
import { paymentsConfigSchema } from '../src/payments.config';
import { DECLARED_COLUMNS } from './declared-columns';

const DEADLINE_MS = 30_000;
const DEPTH = 3;
const RELAYS_PER_MINUTE = 25;
const HOUR = 3_600n;
const { PaymentState, XbtcRejection } = payments;

const newAccountId = () => accountKeyFromMnemonic(createMnemonic()).accountId;

// The X-BTC relayer and follower against a real local EVM chain (hardhat) and the real service.
describe('payments X-BTC relaying on a local EVM chain', () => {
  let chain: EvmDevnet;
  let infrastructure: TestInfrastructure;
  let service: StartedService;
  let client: payments.PaymentsServiceClient;
  let baseConfig: Record<string, string>;
  const logs: string[] = [];
  const published: events.PaymentStatusChanged[] = [];
  let waiters: (() => boolean)[] = [];
  const relayerKey = generatePrivateKey();
  const relayer = privateKeyToAccount(relayerKey).address;
  const alice = { accountId: newAccountId(), key: generatePrivateKey() };
  const aliceSigner = privateKeyToAccount(alice.key);
  const bob = privateKeyToAccount(generatePrivateKey()).address;

  const call = <Response>(request: (c: payments.PaymentsServiceClient) => import('rxjs').Observable<Response>) =>
    callGrpc(request(client), DEADLINE_MS);
  const balanceOf = (address: Address) =>
    chain.client.readContract({ address: chain.token, abi: XBTC_ABI, functionName: 'balanceOf', args: [address] });
  const rpc = (method: string, params: unknown[]) => chain.client.request({ method: method as 'eth_chainId', params: params as never });

  // The service's instruments, read when a test asks (the interval never comes round).
  const metricReader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  /** What the relayer's fee counter has counted so far, in X-BTC satoshis. */
  const feesCounted = async () => {
    const { resourceMetrics } = await metricReader.collect();
    return resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .filter(({ descriptor }) => descriptor.name === 'coming.payments.xbtc.fees')
      .flatMap((metric) => (metric.dataPointType === DataPointType.SUM ? metric.dataPoints : []))
      .reduce((sum, { value }) => sum + value, 0);
  };

  /** Resolves with the first X-BTC status event for the account (already published or still to come) that matches. */
  const transferEvent = (accountId: string, matches: (status: payments.XbtcTransferStatus) => boolean) =>
    new Promise<payments.XbtcTransferStatus>((resolve) => {
      const check = () => {
        const found = published.find(
          (event) => event.accountId === accountId && event.xbtcTransfer !== undefined && matches(event.xbtcTransfer),
        );
        if (found?.xbtcTransfer === undefined) return false;
        resolve(found.xbtcTransfer);
        return true;
      };
      if (!check()) waiters.push(check);
    });

  /** An authorization `signer` signs, for this chain and token unless told otherwise. */
  async function authorize(
    signer: PrivateKeyAccount,
    terms: Partial<TransferWithFee> & { chainId?: number; token?: Address } = {},
  ): Promise<payments.XbtcAuthorization> {
    const { quote } = await call((c) => c.quoteXbtcFee({}));
    const now = (await chain.client.getBlock()).timestamp;
    const { chainId = chain.chainId, token = chain.token, ...overrides } = terms;
    const message: TransferWithFee = {
      from: signer.address,
      to: bob,
      value: 100_000n,
      fee: BigInt(quote!.feeSat),
      validAfter: 0n,
      validBefore: now + HOUR,
      nonce: toHex(randomBytes(32)),
      ...overrides,
    };
    const signature = await signer.signTypedData({
      domain: xbtcDomain(chainId, token),
      types: TRANSFER_WITH_FEE_TYPES,
      primaryType: 'TransferWithFee',
      message,
    });
    return {
      from: message.from,
      to: message.to,
      valueSat: Number(message.value),
      feeSat: Number(message.fee),
      validAfter: Number(message.validAfter),
      validBefore: Number(message.validBefore),
      nonce: hexToBytes(message.nonce),
      signature: hexToBytes(signature),
      chainId,
      token,
    };
  }

  const relay = (authorization: payments.XbtcAuthorization, accountId = alice.accountId) =>
    call((c) => c.relayXbtcTransfer({ accountId, deviceId: 1, authorization }));

  beforeAll(async () => {
    metrics.setGlobalMeterProvider(meterProvider);
    const [evmPort, grpcPort, deadBitcoinPort] = [await findFreePorts(1), await findFreePorts(1), await findFreePorts(1)];
    chain = await startEvmDevnet({ port: evmPort });
    await chain.setNativeBalance(relayer, parseEther('10'));
    await chain.mint(aliceSigner.address, 10_000_000n);
    infrastructure = await createTestInfrastructure('payments-xbtc');
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
    baseConfig = {
      COMING_NETWORK: 'regtest',
      // No Bitcoin node at all: X-BTC does not depend on it.
      PAYMENTS_BACKEND_URL: `http://coming:regtest@127.0.0.1:${deadBitcoinPort}`,
      PAYMENTS_BACKEND_TIMEOUT_MS: '2000',
      PAYMENTS_XBTC_RPC_URL: chain.rpcUrl,
      PAYMENTS_XBTC_TOKEN: chain.token,
      PAYMENTS_XBTC_CHAIN_ID: String(chain.chainId),
      PAYMENTS_XBTC_RELAYER_KEY: relayerKey,
      PAYMENTS_XBTC_CONFIRMATION_DEPTH: String(DEPTH),
      PAYMENTS_XBTC_POLL_INTERVAL_MS: '100',
      PAYMENTS_XBTC_RELAYS_PER_MINUTE: String(RELAYS_PER_MINUTE),
    };
    infrastructure.broker.subscribe(subjects.paymentStatus('*'), (message) => {
      published.push(events.PaymentStatusChanged.decode(message.data));
      waiters = waiters.filter((waiter) => !waiter());
    });
    service = await startPayments(loadConfig(paymentsConfigSchema, { ...baseConfig, PAYMENTS_GRPC_URL: url }), {
      ...infrastructure,
      logger,
    });
    client = createGrpcClient(grpcServices.payments, { url, serviceToken: infrastructure.serviceToken });
    expect(
      await call((c) => c.watchXbtcAddresses({ accountId: alice.accountId, deviceId: 1, addresses: [aliceSigner.address] })),
    ).toMatchObject({
      watched: { added: 1, watching: 1 },
    });
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await infrastructure?.release();
    await chain?.close();
    await meterProvider.shutdown();
    metrics.disable();
  });

  it('has exactly the columns its table types declare', async () => {
    expect(await tableColumnMismatches(infrastructure.db, DECLARED_COLUMNS)).toEqual([]);
  });

  it('describes the chain, the token, the relayer and the follower', async () => {
    await expect
      .poll(async () => (await call((c) => c.getXbtcInfo({}))).info)
      .toMatchObject({ chainId: chain.chainId, token: chain.token, relayer, backendAvailable: true, confirmationDepth: DEPTH });
    const { quote } = await call((c) => c.quoteXbtcFee({}));
    expect(quote).toMatchObject({ gas: 120_000, nativePriceSat: 3_000_000, tolerancePercent: 10 });
    expect(quote!.feeSat).toBeGreaterThanOrEqual(1);
  });

  it('relays a transfer through broadcast, pending and confirmed up to the depth, the relayer earning the signed fee', async () => {
    const before = await balanceOf(aliceSigner.address);
    const relayerBefore = await balanceOf(relayer);
    const authorization = await authorize(aliceSigner);
    await rpc('evm_setAutomine', [false]);
    try {
      const { accepted } = await relay(authorization);
      expect(accepted).toMatchObject({ state: PaymentState.PAYMENT_STATE_BROADCAST, valueSat: 100_000, feeSat: authorization.feeSat });
      const txHash = accepted!.txHash;
      await transferEvent(alice.accountId, (status) => status.txHash === txHash && status.state === PaymentState.PAYMENT_STATE_IN_MEMPOOL);
      const { balance } = await call((c) => c.getXbtcBalance({ accountId: alice.accountId, deviceId: 1, address: aliceSigner.address }));
      expect(balance).toMatchObject({ balanceSat: Number(before), pendingOutSat: 100_000 + authorization.feeSat });

      await chain.mine(1);
      // A pass may first see it a block later: confirmed, at 1 or more.
      const mined = await transferEvent(alice.accountId, (status) => status.txHash === txHash && status.confirmations >= 1);
      expect(mined).toMatchObject({ state: PaymentState.PAYMENT_STATE_CONFIRMED, from: aliceSigner.address, to: bob });
      expect(mined.blockNumber).toBeLessThanOrEqual(Number(await chain.client.getBlockNumber()));
      await chain.mine(DEPTH);
      await transferEvent(alice.accountId, (status) => status.txHash === txHash && status.confirmations === DEPTH);
      expect(await balanceOf(aliceSigner.address)).toBe(before - 100_000n - BigInt(authorization.feeSat));
      expect(await balanceOf(bob)).toBe(100_000n);
      expect((await balanceOf(relayer)) - relayerBefore).toBe(BigInt(authorization.feeSat));

      // The same authorization again answers with its status; its nonce with other terms is refused.
      expect((await relay(authorization)).accepted).toMatchObject({ txHash, state: PaymentState.PAYMENT_STATE_CONFIRMED });
      const replay = await relay({ ...(await authorize(aliceSigner, { nonce: toHex(authorization.nonce), value: 5n })) });
      expect(replay.rejected).toMatchObject({ rejection: XbtcRejection.XBTC_REJECTION_NONCE_USED });
      const { transfers } = await call((c) =>
        c.getXbtcTransfers({ accountId: alice.accountId, deviceId: 1, txHashes: [txHash], addresses: [] }),
      );
      expect(transfers?.transfers).toEqual([expect.objectContaining({ txHash, confirmations: DEPTH })]);
    } finally {
      await rpc('evm_setAutomine', [true]);
    }
  });

  it('sends a reorganised-out transfer back to pending, submits it again, and confirms it anew, its fee counted once', async () => {
    const feesBefore = await feesCounted();
    const snapshot = await chain.snapshot();
    const authorization = await authorize(aliceSigner, { value: 7_000n });
    const { accepted } = await relay(authorization);
    const confirmed = await transferEvent(alice.accountId, (status) => status.txHash === accepted!.txHash && status.confirmations >= 1);
    await chain.revert(snapshot);
    const back = await transferEvent(
      alice.accountId,
      (status) =>
        status.txHash === accepted!.txHash &&
        status.state === PaymentState.PAYMENT_STATE_IN_MEMPOOL &&
        status.updatedAtMs >= confirmed.updatedAtMs,
    );
    expect(back).toMatchObject({ confirmations: 0, blockNumber: 0, reason: 'its block left the best chain' });
    const again = await transferEvent(
      alice.accountId,
      (status) =>
        status.nonce.length === 32 && status.valueSat === 7_000 && status.confirmations >= 1 && status.updatedAtMs > back.updatedAtMs,
    );
    expect(again.state).toBe(PaymentState.PAYMENT_STATE_CONFIRMED);
    expect(await balanceOf(bob)).toBe(107_000n);
    // Mined twice, paid once: the fee counter agrees with the relayer's token balance.
    expect((await feesCounted()) - feesBefore).toBe(authorization.feeSat);
  });

  it('refuses bad authorizations by name before spending any gas', async () => {
    const gasBefore = await chain.client.getBalance({ address: relayer });
    const now = (await chain.client.getBlock()).timestamp;
    const cases: [payments.XbtcAuthorization, payments.XbtcRejection, RegExp][] = [
      [await authorize(aliceSigner, { validBefore: now - 1n }), XbtcRejection.XBTC_REJECTION_EXPIRED, /valid_before/],
      [
        await authorize(aliceSigner, { chainId: 1 }),
        XbtcRejection.XBTC_REJECTION_WRONG_DOMAIN,
        /chain ID 1; this relayer serves chain ID 31337/,
      ],
      [await authorize(aliceSigner, { token: bob }), XbtcRejection.XBTC_REJECTION_WRONG_DOMAIN, new RegExp(`token ${bob}`)],
      [await authorize(aliceSigner, { fee: 1n }), XbtcRejection.XBTC_REJECTION_FEE_TOO_LOW, /fee 1 sat is below the relayer's quote/],
      [await authorize(aliceSigner, { value: 100_000_000n }), XbtcRejection.XBTC_REJECTION_INSUFFICIENT_BALANCE, /holds \d+ sat/],
    ];
    for (const [authorization, rejection, reason] of cases) {
      const { rejected } = await relay(authorization);
      expect(rejected).toMatchObject({ rejection, reason: expect.stringMatching(reason) });
    }
    // Signed with another key than `from`'s.
    const forged = await authorize(privateKeyToAccount(generatePrivateKey()));
    expect((await relay({ ...forged, from: aliceSigner.address })).rejected?.rejection).toBe(
      XbtcRejection.XBTC_REJECTION_INVALID_SIGNATURE,
    );
    // A sender this account does not watch.
    const stranger = privateKeyToAccount(generatePrivateKey());
    expect((await relay(await authorize(stranger))).foreignAddresses).toEqual({ addresses: [stranger.address] });
    expect(await chain.client.getBalance({ address: relayer })).toBe(gasBefore);

    const malformed = await call((c) => c.watchXbtcAddresses({ accountId: alice.accountId, deviceId: 1, addresses: ['0x1234'] })).catch(
      (error: unknown) => error,
    );
    expect(malformed).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringContaining('addresses: "0x1234" is not an EVM address'),
    });
    const taken = await call((c) => c.watchXbtcAddresses({ accountId: newAccountId(), deviceId: 1, addresses: [aliceSigner.address] }));
    expect(taken).toMatchObject({ foreignAddresses: { addresses: [aliceSigner.address] } });
  });

  it('keeps a transfer pending while the relayer is out of gas, spending nothing, and submits it once funded', async () => {
    await chain.setNativeBalance(relayer, 0n);
    const aliceBefore = await balanceOf(aliceSigner.address);
    const { accepted } = await relay(await authorize(aliceSigner, { value: 3_000n }));
    expect(accepted).toMatchObject({
      state: PaymentState.PAYMENT_STATE_IN_MEMPOOL,
      txHash: '',
      reason: "the relayer's gas balance is too low",
    });
    expect(await balanceOf(aliceSigner.address)).toBe(aliceBefore);
    expect(await chain.client.getBalance({ address: relayer })).toBe(0n);

    await chain.setNativeBalance(relayer, parseEther('10'));
    const mined = await transferEvent(
      alice.accountId,
      (status) => Buffer.from(status.nonce).equals(Buffer.from(accepted!.nonce)) && status.state === PaymentState.PAYMENT_STATE_CONFIRMED,
    );
    expect(mined.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await balanceOf(aliceSigner.address)).toBe(aliceBefore - 3_000n - BigInt(accepted!.feeSat));
  });

  it('sends each relayed transfer once, though the follower passes while the relays are still sending', async () => {
    const dave = { accountId: newAccountId(), signer: privateKeyToAccount(generatePrivateKey()) };
    await chain.mint(dave.signer.address, 1_000_000n);
    await call((c) => c.watchXbtcAddresses({ accountId: dave.accountId, deviceId: 1, addresses: [dave.signer.address] }));
    const sentBefore = await chain.client.getTransactionCount({ address: relayer, blockTag: 'pending' });
    const authorizations = await Promise.all(Array.from({ length: RELAYS_PER_MINUTE }, () => authorize(dave.signer, { value: 1_000n })));
    await rpc('evm_setAutomine', [false]);
    try {
      // Submissions queue behind each other in the relayer, while passes come every 100 ms.
      const relayed = await Promise.all(authorizations.map((authorization) => relay(authorization, dave.accountId)));
      expect(relayed.map(({ accepted }) => accepted?.state)).toEqual(authorizations.map(() => PaymentState.PAYMENT_STATE_BROADCAST));
      await transferEvent(dave.accountId, (status) => status.state === PaymentState.PAYMENT_STATE_IN_MEMPOOL);
      await chain.mine(1);
      for (const { accepted } of relayed) {
        await transferEvent(dave.accountId, (status) => status.txHash === accepted!.txHash && status.confirmations >= 1);
      }
      // Passes ran all along: still one transaction per authorization, and none refused.
      expect(await chain.client.getTransactionCount({ address: relayer, blockTag: 'pending' })).toBe(sentBefore + RELAYS_PER_MINUTE);
      const daves = published.filter((event) => event.accountId === dave.accountId).map((event) => event.xbtcTransfer?.reason ?? '');
      expect(daves.filter((reason) => /refused/.test(reason))).toEqual([]);
      expect(await balanceOf(dave.signer.address)).toBe(
        1_000_000n - BigInt(RELAYS_PER_MINUTE) * (1_000n + BigInt(authorizations[0]!.feeSat)),
      );
    } finally {
      await rpc('evm_setAutomine', [true]);
    }
  });

  it('limits relays per account', async () => {
    const carol = { accountId: newAccountId(), signer: privateKeyToAccount(generatePrivateKey()) };
    await call((c) => c.watchXbtcAddresses({ accountId: carol.accountId, deviceId: 1, addresses: [carol.signer.address] }));
    const wrongChain = await authorize(carol.signer, { chainId: 1 });
    for (let count = 0; count < RELAYS_PER_MINUTE; count += 1) {
      expect((await relay(wrongChain, carol.accountId)).rejected?.rejection).toBe(XbtcRejection.XBTC_REJECTION_WRONG_DOMAIN);
    }
    const limited = await relay(wrongChain, carol.accountId).catch((error: unknown) => error);
    expect(limited).toMatchObject({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      message: expect.stringContaining(`at most ${RELAYS_PER_MINUTE} X-BTC relays a minute`),
    });
  });

  it('refuses to start on an EVM chain of another chain ID, saying which', async () => {
    const config = loadConfig(paymentsConfigSchema, {
      ...baseConfig,
      PAYMENTS_GRPC_URL: `127.0.0.1:${await findFreePorts(1)}`,
      PAYMENTS_XBTC_CHAIN_ID: '1',
    });
    await expect(startPayments(config, infrastructure)).rejects.toThrow(/follows chain ID 31337, but PAYMENTS_XBTC_CHAIN_ID is 1/);
  });

  it('keeps no relayer key nor user key in any table, event or log', async () => {
    const tables = Object.keys(DECLARED_COLUMNS);
    const rows = await Promise.all(tables.map((table) => sql`select * from ${sql.table(table)}`.execute(infrastructure.db)));
    const stored = JSON.stringify(rows.map(({ rows }) => rows));
    const everything = [stored, JSON.stringify(published.map((event) => events.PaymentStatusChanged.toJSON(event))), logs.join('')]
      .join('\n')
      .toLowerCase();
    expect(stored).toContain(aliceSigner.address);
    for (const secret of [relayerKey, alice.key]) {
      expect(everything).not.toContain(secret.slice(2).toLowerCase());
      expect(everything).not.toContain(Buffer.from(secret.slice(2), 'hex').toString('base64').toLowerCase());
    }
  });
});
