import { bcoinNetworks, ChainBackendError, ChainBackendUnavailableError, JsonRpcChainBackend, scriptPubKeyOf } from '@coming/chain';
import { findFreePorts } from '@coming/testing';
import { hex } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGTEST_SEGWIT_HEIGHT, type RegtestNode, startRegtestNode } from '../src/regtest-node';
import { RegtestWallet, type Spendable } from '../src/regtest-wallet';

// libs/chain's JSON-RPC adapter against the real node: here, since the node depends on libs/chain.

describe(JsonRpcChainBackend.name, () => {
  let node: RegtestNode;
  let backend: JsonRpcChainBackend;
  let wallet: RegtestWallet;
  let coins: Spendable[];

  beforeAll(async () => {
    node = await startRegtestNode({ port: await findFreePorts(1) });
    backend = new JsonRpcChainBackend(node.rpcUrl, { acceptanceTimeoutMs: 500 });
    wallet = new RegtestWallet();
    coins = await wallet.mineCoinbases(node, 3);
    // Past SegWit activation, and the coinbases above mature.
    await node.mine(REGTEST_SEGWIT_HEIGHT - node.height());
  });

  afterAll(() => node.close());

  it("reports bcoin's regtest with bcoin's own address prefixes", async () => {
    const network = await backend.network();
    expect(network.network).toBe('regtest');
    expect(network.software).toContain('bcoin');
    expect(network.parameters).toEqual(bcoinNetworks.regtest);
    expect(network.parameters?.bech32).toBe('rb');
  });

  it('follows the tip and reads blocks with exact satoshi amounts', async () => {
    const tip = await backend.tip();
    expect(tip.height).toBe(REGTEST_SEGWIT_HEIGHT);
    expect(await backend.blockHash(tip.height)).toBe(tip.hash);
    expect(await backend.blockHash(tip.height + 1)).toBeUndefined();
    const first = await backend.block((await backend.blockHash(1)) ?? '');
    expect(first.previousHash).toBe(await backend.blockHash(0));
    const coinbase = first.transactions[0];
    expect(coinbase?.inputs).toEqual([]);
    expect(coinbase?.outputs[0]).toMatchObject({
      valueSat: 5_000_000_000,
      scriptPubKey: scriptPubKeyOf(wallet.address, bcoinNetworks.regtest),
    });
  });

  it('broadcasts, confirms acceptance through the mempool, and is idempotent', async () => {
    const payee = new RegtestWallet();
    const signed = wallet.spend([coins[0]!], [{ address: payee.address, valueSat: 100_000 }], 1_000);
    expect(await backend.broadcast(signed.raw)).toEqual({ accepted: true, txid: signed.txid, held: true });
    expect(await backend.mempoolTxids()).toContain(signed.txid);
    expect(await backend.broadcast(signed.raw)).toEqual({ accepted: true, txid: signed.txid, held: true });
    const seen = await backend.transaction(signed.txid);
    expect(seen?.outputs[0]).toEqual({ vout: 0, valueSat: 100_000, scriptPubKey: scriptPubKeyOf(payee.address, bcoinNetworks.regtest) });
    expect(seen?.inputs).toEqual([{ txid: coins[0]!.txid, vout: coins[0]!.vout }]);
    expect(seen?.signalsReplacement).toBe(true);
    expect(hex.decode(seen?.raw ?? '')).toEqual(signed.raw);
  });

  it("refuses a transaction the node rejects, with the node's reason, although bcoin answers with its txid", async () => {
    const spent = wallet.spend([coins[1]!], [{ address: wallet.address, valueSat: 10_000 }], 1_000);
    await node.mine(1);
    expect(await backend.broadcast(spent.raw)).toEqual({ accepted: true, txid: spent.txid, held: true });
    await node.mine(1);
    const doubleSpend = wallet.spend([coins[1]!], [{ address: wallet.address, valueSat: 20_000 }], 1_000);
    const outcome = await backend.broadcast(doubleSpend.raw);
    expect(outcome).toMatchObject({ accepted: false, txid: doubleSpend.txid });
    expect(outcome.accepted === false && outcome.reason).toContain('bad-txns-inputs-missingorspent');
  });

  it('replaces a transaction with a fee bump, as Bitcoin Core does, and refuses one that does not pay more', async () => {
    const payee = new RegtestWallet();
    const original = wallet.spend([coins[2]!], [{ address: payee.address, valueSat: 50_000 }], 1_000);
    const cheaper = wallet.spend([coins[2]!], [{ address: payee.address, valueSat: 50_000 }], 1_100);
    const bumped = wallet.spend([coins[2]!], [{ address: payee.address, valueSat: 50_000 }], 5_000);
    expect(await backend.broadcast(original.raw)).toMatchObject({ accepted: true, held: true });
    // 100 sat more does not pay for the replacement's own size at 1 sat/vB. bcoin refuses it
    // without a word: it is never held, and the original stays.
    expect(await backend.broadcast(cheaper.raw)).toMatchObject({ held: false, txid: cheaper.txid });
    expect(await backend.mempoolTxids()).toContain(original.txid);
    expect(await backend.broadcast(bumped.raw)).toEqual({ accepted: true, txid: bumped.txid, held: true });
    const mempool = await backend.mempoolTxids();
    expect(mempool).toContain(bumped.txid);
    expect(mempool).not.toContain(original.txid);
  });

  it('knows no transaction it has not seen, and has no fee estimate on a quiet regtest', async () => {
    expect(await backend.transaction('ab'.repeat(32))).toBeUndefined();
    expect(await backend.feeRate(6)).toBeUndefined();
  });

  it('tells an unreachable backend from one that refuses the credentials', async () => {
    const closed = new JsonRpcChainBackend(`http://127.0.0.1:${await findFreePorts(1)}`);
    await expect(closed.tip()).rejects.toBeInstanceOf(ChainBackendUnavailableError);
    const wrongKey = new JsonRpcChainBackend(node.rpcUrl.replace(':regtest@', ':wrong@'));
    const refused = await wrongKey.tip().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChainBackendError);
    expect(refused).not.toBeInstanceOf(ChainBackendUnavailableError);
  });
});
