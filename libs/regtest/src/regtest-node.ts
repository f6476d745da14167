// bcoin ships no types, and each project that compiles this file (its tests, the payments tests) must see them.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./bcoin.d.ts" />
import { LOCAL_REGTEST_API_KEY } from '@coming/chain';
import type * as Bcoin from 'bcoin';
import { enableReplaceByFee } from './replace-by-fee';

/** bcoin activates SegWit on regtest only at this height: mine this far before spending P2WPKH outputs. */
export const REGTEST_SEGWIT_HEIGHT = 432;
/** Coinbase outputs can be spent this many blocks after the block that made them. */
export const COINBASE_MATURITY = 100;

export interface RegtestNodeOptions {
  /** HTTP port of its JSON-RPC and REST API, on 127.0.0.1; below 32768. */
  port: number;
  apiKey?: string;
  /** Folder for the chain; the chain lives in memory (gone when the node stops) when unset. */
  dataDir?: string;
}

export interface RegtestNode {
  /** The JSON-RPC URL, credentials included, for a JsonRpcChainBackend. */
  rpcUrl: string;
  height(): number;
  /** Mines `count` blocks paying their coinbase to `address` (a fresh throwaway key when unset); returns their hashes. */
  mine(count: number, address?: string): Promise<string[]>;
  /**
   * Mines `count` empty blocks on top of the block at `forkHeight`: once that branch is longer
   * than the best chain, the node reorganises onto it and the blocks above `forkHeight` are
   * disconnected, as when a competing miner wins.
   */
  mineFork(forkHeight: number, count: number): Promise<void>;
  /**
   * Mines one block on the tip holding exactly these transactions (and no mempool ones), as a
   * miner who saw them first would: how a conflicting transaction that never reached this
   * node's mempool gets confirmed.
   */
  mineBlockWith(transactions: Uint8Array[]): Promise<string>;
  /** A JSON-RPC call answered in-process. */
  rpc<Result>(method: string, params: unknown[]): Promise<Result>;
  close(): Promise<void>;
}

/**
 * A real bcoin full node on regtest, in this process, without bcoin's wallet (funds come from
 * coinbase outputs) and without peers. Pure JavaScript: NODE_BACKEND=js keeps bcoin off
 * native bindings, so nothing needs building. Opens in about 0.3 s and mines about 250
 * blocks a second; held in memory it needs about 90 MB.
 */
export async function startRegtestNode({ port, apiKey = LOCAL_REGTEST_API_KEY, dataDir }: RegtestNodeOptions): Promise<RegtestNode> {
  process.env['NODE_BACKEND'] ??= 'js';
  // bcoin is CommonJS: loaded from ES modules it arrives as `default`, from CommonJS as is.
  const imported = (await import('bcoin')) as typeof Bcoin & { default?: typeof Bcoin };
  const bcoin = imported.default ?? imported;
  const node = new bcoin.FullNode({
    network: 'regtest',
    memory: dataDir === undefined,
    ...(dataDir === undefined ? {} : { prefix: dataDir }),
    httpHost: '127.0.0.1',
    httpPort: port,
    apiKey,
    // The address and transaction indexes serve confirmed transactions by txid.
    indexTX: true,
    indexAddress: true,
    // Takes transactions that signal BIP-125 replaceability (ours all do); enableReplaceByFee
    // below makes a fee bump replace what it conflicts with, as on Bitcoin Core.
    replaceByFee: true,
    // Never calls connect(): no peers, no outbound traffic.
    listen: false,
    workers: false,
    logLevel: 'none',
    logConsole: false,
  });
  // Creates the data folder (bcoin adds a "regtest" folder under it); nothing when in memory.
  await node.ensure();
  await node.open();
  enableReplaceByFee(node.mempool);
  const rpc = async <Result>(method: string, params: unknown[]): Promise<Result> => {
    const { result, error } = await node.rpc.call({ method, params });
    if (error !== null) throw new Error(`${method}: ${error.message} (code ${error.code})`);
    return result as Result;
  };
  /** With no mempool, bcoin's miner assembles blocks of nothing but what it is handed. */
  const withoutMempool = async <Result>(mine: () => Promise<Result>): Promise<Result> => {
    const mempool = node.miner.mempool;
    node.miner.mempool = null;
    try {
      return await mine();
    } finally {
      node.miner.mempool = mempool;
    }
  };
  const throwaway = () => bcoin.KeyRing.generate().getAddress('string', 'regtest');
  return {
    rpcUrl: `http://coming:${apiKey}@127.0.0.1:${port}`,
    height: () => node.chain.height,
    mine: (count, address = throwaway()) => rpc<string[]>('generatetoaddress', [count, address]),
    mineBlockWith: (transactions) =>
      withoutMempool(async () => {
        const job = await node.miner.cpu.createJob(node.chain.tip, bcoin.Address.fromString(throwaway(), 'regtest'));
        for (const raw of transactions) {
          const transaction = bcoin.TX.fromRaw(Buffer.from(raw));
          if (!job.attempt.addTX(transaction, await node.chain.getCoinView(transaction)))
            throw new Error('the block cannot take the transaction');
        }
        job.attempt.refresh();
        job.refresh();
        const block = await node.miner.cpu.mineAsync(job);
        if ((await node.chain.add(block)) === null) throw new Error('the node refused the block');
        return block.rhash();
      }),
    mineFork: async (forkHeight, count) => {
      const start = await node.chain.getEntry(forkHeight);
      if (start === null) throw new Error(`no block at height ${forkHeight} to fork from`);
      const address = bcoin.Address.fromString(throwaway(), 'regtest');
      // Empty blocks: the transactions of the blocks the branch displaces must not be mined again on it.
      await withoutMempool(async () => {
        let tip = start;
        for (let mined = 0; mined < count; mined += 1) {
          const block = await node.miner.mineBlock(tip, address);
          const entry = (await node.chain.add(block)) ?? (await node.chain.getEntry(block.hash()));
          if (entry === null) throw new Error('the node refused a block of the fork');
          tip = entry;
        }
      });
    },
    rpc,
    close: () => node.close(),
  };
}
