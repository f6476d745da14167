import { parseBlock, parseTransaction, type ChainTransaction } from '@coming/chain';
import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, startRegtestNode } from '@coming/regtest';
import { ServiceProcess } from '@coming/stack';
import { eventually, findFreePorts } from '@coming/testing';
import { hex } from '@scure/base';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, comingFor } from './support/run-coming';

const PASSPHRASE = 'a passphrase for the wallet tests';
/** Blocks a coinbase output waits before it may be spent. */
const COINBASE_MATURITY = 100;

const sumOfOutputs = ({ outputs }: ChainTransaction) => outputs.reduce((sum, { valueSat }) => sum + valueSat, 0);

// The single node's payments service follows a regtest node held in this process.
describe('coming wallet, request, pay and payments on a single node and a regtest chain', () => {
  let chain: RegtestNode;
  let node: ServiceProcess;
  let scratch: string;
  let server: string;
  const { run, coming } = comingFor(() => ({ server, scratch, passphrase: PASSPHRASE }));
  const json = async <T>(home: string, ...args: string[]): Promise<T> => {
    const result = await coming(home, ...args, '--json');
    expect(result, result.stderr).toMatchObject({ code: 0 });
    return JSON.parse(result.stdout) as T;
  };
  const jsonLines = async <T>(home: string, ...args: string[]): Promise<T[]> => {
    const result = await coming(home, ...args, '--json');
    expect(result, result.stderr).toMatchObject({ code: 0 });
    return result.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as T);
  };
  type Wallet = { confirmedSat: number; unconfirmedSat: number; address: string };
  type Payment = { direction: string; counterparty: string; amountSat: number; txid: string; status: string; confirmations: number };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-wallet-'));
    const [chainPort, port] = [await findFreePorts(1), await findFreePorts(5)];
    chain = await startRegtestNode({ port: chainPort });
    // Alice's coinbase comes once she watches her address: SegWit must be active and it mature by then.
    await chain.mine(REGTEST_SEGWIT_HEIGHT - COINBASE_MATURITY);
    server = `ws://127.0.0.1:${port}`;
    node = new ServiceProcess({
      app: 'single-node',
      name: 'single-node-wallet',
      env: {
        PORT: String(port),
        COMING_DATA_DIR: join(scratch, 'data'),
        COMING_INTERNAL_PORT_BASE: String(port + 1),
        PAYMENTS_BACKEND_URL: chain.rpcUrl,
        PAYMENTS_POLL_INTERVAL_MS: '100',
      },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
      logFile: join(scratch, 'single-node.log'),
    });
    await node.start();
    const ids: Record<string, string> = {};
    for (const home of ['alice', 'bob']) ids[home] = accountIdOf(await coming(home, 'init'));
    await coming('alice', 'contact', 'add', 'bob', ids['bob'] ?? '');
    await coming('bob', 'contact', 'add', 'alice', ids['alice'] ?? '');
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    await chain?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses a network name it does not know, naming the variable', async () => {
    const result = await run('alice', ['wallet'], { env: { COMING_NETWORK: 'moonnet' } }).finished;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('COMING_NETWORK is "moonnet"');
  });

  it('funds Alice by mining, Bob requests 0.001 BTC, Alice pays it, both follow it to confirmed, balances to the satoshi', async () => {
    const empty = await json<Wallet>('alice', 'wallet');
    expect(empty).toMatchObject({ confirmedSat: 0, unconfirmedSat: 0, address: expect.stringMatching(/^rb1q/) });
    const [coinbaseBlock] = await chain.mine(1, empty.address);
    await chain.mine(COINBASE_MATURITY);
    const funded = sumOfOutputs(parseBlock(hex.decode(await chain.rpc<string>('getblock', [coinbaseBlock, false]))).transactions[0]!);
    await eventually(async () => (await json<Wallet>('alice', 'wallet')).confirmedSat === funded, "Alice's coinbase in her balance");

    const request = await json<{ amountSat: number; address: string }>('bob', 'request', 'alice', '0.001', '--memo', 'lunch');
    expect(request).toMatchObject({ amountSat: 100_000, address: expect.stringMatching(/^rb1q/) });
    const noRequest = await coming('alice', 'pay', 'bob', '0.002');
    expect(noRequest.code).toBe(2);
    expect(noRequest.stderr).toMatch(/request/);

    const paid = await coming('alice', 'pay', 'bob', '0.001', '--memo', 'lunch');
    expect(paid, paid.stderr).toMatchObject({ code: 0 });
    const txid = paid.stdout.trim();
    expect(txid).toMatch(/^[0-9a-f]{64}$/);

    const bobSees = async (status: string) =>
      (await jsonLines<Payment>('bob', 'payments')).some((payment) => payment.txid === txid && payment.status === status);
    await eventually(() => bobSees('in_mempool'), 'Bob sees the payment in the mempool');
    expect(await jsonLines<Payment>('bob', 'payments')).toEqual([
      expect.objectContaining({ direction: 'received', amountSat: 100_000, txid, status: 'in_mempool', confirmations: 0 }),
    ]);
    const payment = parseTransaction(hex.decode(await chain.rpc<string>('getrawtransaction', [txid, false])));
    const fee = funded - sumOfOutputs(payment);
    expect(fee).toBeGreaterThan(0);

    await chain.mine(1);
    await eventually(() => bobSees('confirmed'), 'Bob sees the payment confirmed');
    expect(await jsonLines<Payment>('alice', 'payments')).toEqual([
      expect.objectContaining({ direction: 'sent', amountSat: 100_000, txid, status: 'confirmed', confirmations: 1 }),
    ]);
    expect(await json<Wallet>('bob', 'wallet')).toMatchObject({ confirmedSat: 100_000, unconfirmedSat: 0 });
    expect(await json<Wallet>('alice', 'wallet')).toMatchObject({ confirmedSat: funded - 100_000 - fee, unconfirmedSat: 0 });

    // The same commands through a daemon holding Bob's home.
    const daemon = run('bob', ['daemon']);
    await daemon.saysOnStderr('daemon: serving');
    try {
      expect(await json<Wallet>('bob', 'wallet')).toMatchObject({ confirmedSat: 100_000, unconfirmedSat: 0 });
      expect(await jsonLines<Payment>('bob', 'payments')).toEqual([expect.objectContaining({ txid, status: 'confirmed' })]);
      const badAmount = await coming('bob', 'request', 'alice', '0.000000001');
      expect(badAmount.code).toBe(2);
      expect(badAmount.stderr).toMatch(/0\.000000001/);
    } finally {
      await daemon.stop();
    }
  }, 180_000);
});
