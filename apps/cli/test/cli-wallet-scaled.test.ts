import { parseTransaction } from '@coming/chain';
import { type EvmDevnet, startEvmDevnet } from '@coming/evm-devnet';
import { XBTC_ABI } from '@coming/xbtc';
import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, startRegtestNode } from '@coming/regtest';
import { eventually, findFreePorts, redisEntries, startTestStack, type TestStack } from '@coming/testing';
import { hex } from '@scure/base';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Address, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COINBASE_MATURITY, jsonCommands, type PaymentJson, payOneRequest, sumOfOutputs, type WalletJson } from './payment-flow.cases';
import { comingFor, initAliceAndBob } from './support/run-coming';
import { secretFormsOf } from './support/wallet-secrets';

const PASSPHRASE = 'a passphrase for the scaled wallet tests';
/** Confirmations after which an X-BTC status stops changing, here. */
const XBTC_DEPTH = 2;

// The issues' acceptance runs: two gateways, Alice on the first and Bob on the second, the
// payments service following a regtest node held in this process and relaying X-BTC on a
// local EVM chain, every service traced.
describe('payments from the CLI on the scaled stack (two gateways), a regtest chain and a local EVM chain', () => {
  let chain: RegtestNode;
  let evm: EvmDevnet;
  let stack: TestStack;
  let scratch: string;
  const relayerKey = generatePrivateKey();
  const relayer = privateKeyToAccount(relayerKey).address;
  const { run, coming } = comingFor(() => ({
    server: (home) => stack.gatewayUrl(home === 'bob' ? 1 : 0),
    scratch,
    passphrase: PASSPHRASE,
    env: { COMING_XBTC_TOKEN: evm.token, COMING_XBTC_CHAIN_ID: String(evm.chainId) },
  }));
  const { json, jsonLines } = jsonCommands({ coming });
  let aliceLeft = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-wallet-scaled-'));
    const ports = await findFreePorts(2);
    chain = await startRegtestNode({ port: ports });
    await chain.mine(REGTEST_SEGWIT_HEIGHT - COINBASE_MATURITY);
    evm = await startEvmDevnet({ port: ports + 1 });
    await evm.setNativeBalance(relayer, parseEther('10'));
    stack = await startTestStack('cli-wallet-scaled', {
      gateways: 2,
      traced: true,
      env: {
        PAYMENTS_BACKEND_URL: chain.rpcUrl,
        PAYMENTS_POLL_INTERVAL_MS: '100',
        PAYMENTS_XBTC_RPC_URL: evm.rpcUrl,
        PAYMENTS_XBTC_TOKEN: evm.token,
        PAYMENTS_XBTC_CHAIN_ID: String(evm.chainId),
        PAYMENTS_XBTC_RELAYER_KEY: relayerKey,
        PAYMENTS_XBTC_CONFIRMATION_DEPTH: String(XBTC_DEPTH),
        PAYMENTS_XBTC_POLL_INTERVAL_MS: '100',
        LOG_LEVEL: 'debug',
      },
    });
    await initAliceAndBob(coming);
  }, 180_000);

  afterAll(async () => {
    await stack?.release();
    await chain?.close();
    await evm?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('funds Alice by mining, Bob requests 0.001 BTC, Alice pays it from the CLI, both follow it to confirmed, balances to the satoshi', async () => {
    ({ aliceLeft } = await payOneRequest({ chain, run: (home, args) => run(home, args), coming }));
  }, 240_000);

  it('bumps a payment stuck at a low fee: one payment on both sides, the replacement, confirmed, balances to the satoshi', async () => {
    await coming('bob', 'request', 'alice', '0.002');
    const slow = await coming('alice', 'pay', 'bob', '0.002', '--fee-rate', '1');
    expect(slow, slow.stderr).toMatchObject({ code: 0 });
    const slowTxid = slow.stdout.trim();
    const notHigher = await coming('alice', 'bump', slowTxid, '--fee-rate', '1');
    expect(notHigher.code).toBe(2);
    expect(notHigher.stderr).toMatch(/already pays/);

    const bumped = await coming('alice', 'bump', slowTxid, '--fee-rate', '25');
    expect(bumped, bumped.stderr).toMatchObject({ code: 0 });
    const txid = bumped.stdout.trim();
    expect(txid).toMatch(/^[0-9a-f]{64}$/);
    expect(txid).not.toBe(slowTxid);
    const onlyTheBump = async (home: string) =>
      (await jsonLines<PaymentJson>(home, 'payments')).filter(({ amountSat }) => amountSat === 200_000);
    await eventually(async () => (await onlyTheBump('bob')).some((payment) => payment.txid === txid), 'Bob to see the replacement');
    for (const home of ['alice', 'bob']) expect((await onlyTheBump(home)).map((payment) => payment.txid)).toEqual([txid]);

    const replacement = parseTransaction(hex.decode(await chain.rpc<string>('getrawtransaction', [txid, false])));
    const inputs = await Promise.all(
      replacement.inputs.map(
        async (input) =>
          parseTransaction(hex.decode(await chain.rpc<string>('getrawtransaction', [input.txid, false]))).outputs[input.vout]!.valueSat,
      ),
    );
    const fee = inputs.reduce((sum, value) => sum + value, 0) - sumOfOutputs(replacement);
    expect(fee).toBeGreaterThanOrEqual(25 * 141);
    await chain.mine(1);
    await eventually(async () => (await onlyTheBump('bob')).every((payment) => payment.status === 'confirmed'), 'Bob to see it confirmed');
    expect(await json<WalletJson>('bob', 'wallet')).toMatchObject({ confirmedSat: 300_000, unconfirmedSat: 0 });
    expect(await json<WalletJson>('alice', 'wallet')).toMatchObject({ confirmedSat: aliceLeft - 200_000 - fee, unconfirmedSat: 0 });
  }, 240_000);

  it("pays 0.001 X-BTC holding no gas coin: the relayer's fee shown before signing, Bob follows it to confirmed, balances exact", async () => {
    const tokenBalance = (address: Address) =>
      evm.client.readContract({ address: evm.token, abi: XBTC_ABI, functionName: 'balanceOf', args: [address] });
    const aliceEvm = (await json<WalletJson>('alice', 'wallet')).evmAddress as Address;
    expect(aliceEvm).toMatch(/^0x[0-9a-fA-F]{40}$/);
    await evm.mint(aliceEvm, 1_000_000n);
    await eventually(async () => (await json<WalletJson>('alice', 'wallet')).xbtcSat === 1_000_000, "Alice's X-BTC in her balance");
    // The relayed transfer then waits for a block, so that Bob is shown it pending first, as on a real chain.
    await evm.setAutomine(false);
    expect((await coming('alice', 'wallet')).stdout).toMatch(/^x-btc +0\.01 X-BTC$/m);

    const bobListens = run('bob', ['listen', '--json']);
    await bobListens.saysOnStderr('listening: caught up');
    const request = await json<{ currency: string; amountSat: number; address: string }>(
      'bob',
      'request',
      'alice',
      '0.001',
      '--currency',
      'xbtc',
    );
    expect(request).toMatchObject({ currency: 'X-BTC', amountSat: 100_000, address: (await json<WalletJson>('bob', 'wallet')).evmAddress });

    // Nothing is signed until the fee is agreed: not above --max-fee, not without a "yes".
    const tooDear = await coming('alice', 'pay', 'bob', '0.001', '--currency', 'xbtc', '--max-fee', '1');
    expect(tooDear.code).toBe(1);
    expect(tooDear.stderr).toMatch(/above --max-fee 1: nothing was signed/);
    const unasked = await coming('alice', 'pay', 'bob', '0.001', '--currency', 'xbtc');
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toMatch(/pass --yes/);
    const relayerBefore = await tokenBalance(relayer);
    const paid = await coming('alice', 'pay', 'bob', '0.001', '--currency', 'xbtc', '--yes');
    expect(paid, paid.stderr).toMatchObject({ code: 0 });
    const txid = paid.stdout.trim();
    expect(txid).toMatch(/^0x[0-9a-f]{64}$/);
    const shownFee = Number(/^fee: (\d+) sat/m.exec(paid.stderr)?.[1]);
    expect(shownFee).toBeGreaterThan(0);

    // A pass may see the mined transfer at 1 confirmation before the second block: wait for the one asked for.
    const bobSaw = (status: string, confirmations = 0) =>
      bobListens.printedLine((line) => {
        const event = JSON.parse(line) as PaymentJson;
        return event.type === 'payment' && event.txid === txid && event.status === status && event.confirmations >= confirmations;
      }, `Bob's listen to show ${txid} ${status}`);
    expect(JSON.parse(await bobSaw('in_mempool'))).toMatchObject({ currency: 'X-BTC', direction: 'received', amountSat: 100_000 });
    await evm.mine(XBTC_DEPTH);
    expect(JSON.parse(await bobSaw('confirmed', XBTC_DEPTH))).toMatchObject({ currency: 'X-BTC', confirmations: XBTC_DEPTH });
    expect(await bobListens.stop()).toMatchObject({ code: 0 });

    // Exact to the unit: the relayer earned the fee Alice was shown and signed, and Alice never held gas.
    expect((await tokenBalance(relayer)) - relayerBefore).toBe(BigInt(shownFee));
    expect(await evm.client.getBalance({ address: aliceEvm })).toBe(0n);
    expect(await json<WalletJson>('alice', 'wallet')).toMatchObject({ xbtcSat: 1_000_000 - 100_000 - shownFee });
    expect(await json<WalletJson>('bob', 'wallet')).toMatchObject({ xbtcSat: 100_000 });
    expect((await coming('bob', 'payments')).stdout).toContain(`received 0.001 X-BTC from alice ${txid} confirmed (${XBTC_DEPTH})`);
  }, 240_000);

  it("leaves no recovery phrase, seed or private key of either wallet, nor the relayer's key, in any table, trace, log or Redis entry", async () => {
    const phrases = await Promise.all(['alice', 'bob'].map(async (home) => (await coming(home, 'recovery-phrase', '--yes')).stdout.trim()));
    const tables = await stack.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    const rows = await Promise.all(tables.map(({ table_name: table }) => stack.query(`select * from "${table}"`)));
    const asText = (value: unknown) =>
      JSON.stringify(value, (_key, field: unknown) => (Buffer.isBuffer(field) ? field.toString('hex') : field));
    const files = await readdir(stack.logDir);
    expect(files.filter((file) => file.endsWith('.spans.jsonl')).length).toBeGreaterThan(0);
    const written = await Promise.all(files.map((file) => readFile(join(stack.logDir, file), 'utf8')));
    const cached = [...(await redisEntries(stack.backends.redisKeyPrefix)).values()].map((value) => value.toString('hex'));
    const everything = [asText(rows), ...written, ...cached].join('\n');
    // The search can find what is there: the payments tables hold Alice's watched addresses.
    expect(everything).toContain((await json<WalletJson>('alice', 'wallet')).address);
    const secrets = [...phrases.flatMap(secretFormsOf), relayerKey.slice(2)];
    for (const secret of secrets)
      expect(everything.toLowerCase().includes(secret.toLowerCase()), `found ${secret.slice(0, 12)}…`).toBe(false);
  });
});
