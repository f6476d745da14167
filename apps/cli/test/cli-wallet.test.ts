import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, startRegtestNode } from '@coming/regtest';
import type { ServiceProcess } from '@coming/stack';
import { findFreePorts } from '@coming/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COINBASE_MATURITY, jsonCommands, type PaymentJson, payOneRequest, type WalletJson } from './payment-flow.cases';
import { comingFor, initAliceAndBob } from './support/run-coming';
import { startSingleNode } from './support/single-node';

const PASSPHRASE = 'a passphrase for the wallet tests';

// The single node's payments service follows a regtest node held in this process.
describe('coming wallet, request, pay and payments on a single node and a regtest chain', () => {
  let chain: RegtestNode;
  let node: ServiceProcess;
  let scratch: string;
  let server: string;
  const { run, coming } = comingFor(() => ({ server, scratch, passphrase: PASSPHRASE }));
  const { json, jsonLines } = jsonCommands({ coming });

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'coming-cli-wallet-'));
    const chainPort = await findFreePorts(1);
    chain = await startRegtestNode({ port: chainPort });
    // Alice's coinbase comes once she watches her address: SegWit must be active and it mature by then.
    await chain.mine(REGTEST_SEGWIT_HEIGHT - COINBASE_MATURITY);
    ({ node, server } = await startSingleNode(scratch, 'single-node-wallet', {
      PAYMENTS_BACKEND_URL: chain.rpcUrl,
      PAYMENTS_POLL_INTERVAL_MS: '100',
    }));
    await initAliceAndBob(coming);
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
    const { txid } = await payOneRequest({ chain, run: (home, args) => run(home, args), coming });

    // The same commands through a daemon holding Bob's home.
    const daemon = run('bob', ['daemon']);
    await daemon.saysOnStderr('daemon: serving');
    try {
      expect(await json<WalletJson>('bob', 'wallet')).toMatchObject({ confirmedSat: 100_000, unconfirmedSat: 0 });
      expect(await jsonLines<PaymentJson>('bob', 'payments')).toEqual([expect.objectContaining({ txid, status: 'confirmed' })]);
      const badAmount = await coming('bob', 'request', 'alice', '0.000000001');
      expect(badAmount.code).toBe(2);
      expect(badAmount.stderr).toMatch(/0\.000000001/);
    } finally {
      await daemon.stop();
    }
  }, 180_000);
});
