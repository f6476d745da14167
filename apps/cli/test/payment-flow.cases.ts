import { type ChainTransaction, parseBlock, parseTransaction } from '@coming/chain';
import type { RegtestNode } from '@coming/regtest';
import { eventually } from '@coming/testing';
import { hex } from '@scure/base';
import { expect } from 'vitest';
import type { CliResult, ComingRun } from './support/run-coming';

/** Blocks a coinbase output waits before it may be spent. */
export const COINBASE_MATURITY = 100;

export type WalletJson = {
  confirmedSat: number;
  unconfirmedSat: number;
  address: string;
  xbtcSat: number | null;
  evmAddress: string | null;
};
export type PaymentJson = {
  type?: string;
  currency: string;
  direction: string;
  counterparty: string;
  amountSat: number;
  txid: string;
  status: string;
  confirmations: number;
};

/** What a test file running the payment flow provides: homes "alice" and "bob", contacts of each other. */
export interface PaymentHarness {
  chain: RegtestNode;
  run: (home: string, args: string[]) => ComingRun;
  coming: (home: string, ...args: string[]) => Promise<CliResult>;
}

export const sumOfOutputs = ({ outputs }: ChainTransaction) => outputs.reduce((sum, { valueSat }) => sum + valueSat, 0);

export function jsonCommands({ coming }: Pick<PaymentHarness, 'coming'>) {
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
  return { json, jsonLines };
}

/** Waits until `run` printed a payment event for `txid` in `status`. */
function paymentLine(run: ComingRun, txid: string, status: string): Promise<string> {
  return run.printedLine((line) => {
    const event = JSON.parse(line) as PaymentJson;
    return event.type === 'payment' && event.txid === txid && event.status === status;
  }, `a payment event for ${txid}: ${status}`);
}

/**
 * The flow: Alice's wallet is funded by mining to her address; Bob, listening,
 * requests 0.001 BTC; Alice pays the request from the CLI; Bob sees the payment in the chat
 * in the mempool, then confirmed once a block is mined, and Alice's view (payments --watch)
 * follows; both balances are right to the satoshi, fee included. Returns what Alice has left.
 */
export async function payOneRequest(harness: PaymentHarness): Promise<{ txid: string; aliceLeft: number }> {
  const { chain, run, coming } = harness;
  const { json, jsonLines } = jsonCommands(harness);
  const empty = await json<WalletJson>('alice', 'wallet');
  expect(empty).toMatchObject({ confirmedSat: 0, unconfirmedSat: 0, address: expect.stringMatching(/^rb1q/) });
  const [coinbaseBlock] = await chain.mine(1, empty.address);
  await chain.mine(COINBASE_MATURITY);
  const funded = sumOfOutputs(parseBlock(hex.decode(await chain.rpc<string>('getblock', [coinbaseBlock, false]))).transactions[0]!);
  await eventually(async () => (await json<WalletJson>('alice', 'wallet')).confirmedSat === funded, "Alice's coinbase in her balance");
  expect((await coming('alice', 'wallet')).stdout).toMatch(new RegExp(`^confirmed +${funded / 1e8} BTC$`, 'm'));

  const bobListens = run('bob', ['listen', '--json']);
  await bobListens.saysOnStderr('listening: caught up');
  const request = await json<{ amountSat: number; address: string }>('bob', 'request', 'alice', '0.001', '--memo', 'lunch');
  expect(request).toMatchObject({ amountSat: 100_000, address: expect.stringMatching(/^rb1q/) });
  const noRequest = await coming('alice', 'pay', 'bob', '0.002');
  expect(noRequest.code).toBe(2);
  expect(noRequest.stderr).toMatch(/request/);

  const paid = await coming('alice', 'pay', 'bob', '0.001', '--memo', 'lunch');
  expect(paid, paid.stderr).toMatchObject({ code: 0 });
  const txid = paid.stdout.trim();
  expect(txid).toMatch(/^[0-9a-f]{64}$/);
  const aliceWatches = run('alice', ['payments', '--watch', '--json']);
  const seen = JSON.parse(await paymentLine(bobListens, txid, 'in_mempool')) as PaymentJson;
  expect(seen).toMatchObject({ direction: 'received', amountSat: 100_000, confirmations: 0 });
  const payment = parseTransaction(hex.decode(await chain.rpc<string>('getrawtransaction', [txid, false])));
  const fee = funded - sumOfOutputs(payment);
  expect(fee).toBeGreaterThan(0);

  await chain.mine(1);
  const [bobSees, aliceSees] = await Promise.all([
    paymentLine(bobListens, txid, 'confirmed'),
    paymentLine(aliceWatches, txid, 'confirmed'),
  ]);
  expect(JSON.parse(bobSees)).toMatchObject({ direction: 'received', confirmations: 1 });
  expect(JSON.parse(aliceSees)).toMatchObject({ direction: 'sent', amountSat: 100_000, confirmations: 1 });
  // Never "paid" before its block: what Bob was shown went from being checked, through the
  // mempool, to confirmed, and never back.
  const listened = await bobListens.stop();
  expect(listened.code).toBe(0);
  const statuses = listened.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as PaymentJson)
    .filter((event) => event.type === 'payment' && event.txid === txid)
    .map(({ status }) => status);
  const firstConfirmed = statuses.indexOf('confirmed');
  expect(statuses.slice(0, firstConfirmed).every((status) => ['verifying', 'broadcast', 'in_mempool'].includes(status))).toBe(true);
  expect(statuses.slice(firstConfirmed).every((status) => status === 'confirmed')).toBe(true);
  expect(await aliceWatches.stop()).toMatchObject({ code: 0 });

  expect((await coming('bob', 'payments')).stdout).toContain(`received 0.001 BTC from alice ${txid} confirmed (1)`);
  expect(await jsonLines<PaymentJson>('bob', 'payments')).toEqual([
    expect.objectContaining({ direction: 'received', amountSat: 100_000, txid, status: 'confirmed', confirmations: 1 }),
  ]);
  expect(await jsonLines<PaymentJson>('alice', 'payments')).toEqual([
    expect.objectContaining({ direction: 'sent', amountSat: 100_000, txid, status: 'confirmed', confirmations: 1 }),
  ]);
  const aliceLeft = funded - 100_000 - fee;
  expect(await json<WalletJson>('bob', 'wallet')).toMatchObject({ confirmedSat: 100_000, unconfirmedSat: 0 });
  expect(await json<WalletJson>('alice', 'wallet')).toMatchObject({ confirmedSat: aliceLeft, unconfirmedSat: 0 });
  return { txid, aliceLeft };
}
