import { parseTransaction } from '@coming/chain';
import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, startRegtestNode } from '@coming/regtest';
import { eventually, findFreePorts, redisEntries, startTestStack, type TestStack } from '@coming/testing';
import { hex } from '@scure/base';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COINBASE_MATURITY, jsonCommands, type PaymentJson, payOneRequest, sumOfOutputs, type WalletJson } from './payment-flow.cases';
import { accountIdOf, comingFor } from './support/run-coming';
import { secretFormsOf } from './support/wallet-secrets';

const PASSPHRASE = 'a passphrase for the scaled wallet tests';

// The acceptance run: two gateways, Alice on the first and Bob on the second, the
// payments service following a regtest node held in this process, every service traced.
describe('payments from the CLI on the scaled stack (two gateways) and a regtest chain', () => {
  let chain: RegtestNode;
  let stack: TestStack;
  let scratch: string;
  const { run, coming } = comingFor(() => ({
    server: (home) => stack.gatewayUrl(home === 'bob' ? 1 : 0),
    scratch,
    passphrase: PASSPHRASE,
  }));
  const { json, jsonLines } = jsonCommands({ coming });
  let aliceLeft = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-wallet-scaled-'));
    chain = await startRegtestNode({ port: await findFreePorts(1) });
    await chain.mine(REGTEST_SEGWIT_HEIGHT - COINBASE_MATURITY);
    stack = await startTestStack('cli-wallet-scaled', {
      gateways: 2,
      traced: true,
      env: { PAYMENTS_BACKEND_URL: chain.rpcUrl, PAYMENTS_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'debug' },
    });
    const ids: Record<string, string> = {};
    for (const home of ['alice', 'bob']) ids[home] = accountIdOf(await coming(home, 'init'));
    await coming('alice', 'contact', 'add', 'bob', ids['bob'] ?? '');
    await coming('bob', 'contact', 'add', 'alice', ids['alice'] ?? '');
  }, 180_000);

  afterAll(async () => {
    await stack?.release();
    await chain?.close();
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

  it('leaves no recovery phrase, seed or private key of either wallet in any table, trace, log or Redis entry', async () => {
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
    for (const secret of phrases.flatMap(secretFormsOf)) expect(everything.includes(secret), `found ${secret.slice(0, 12)}…`).toBe(false);
  });
});
