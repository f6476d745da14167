import { hex } from '@scure/base';
import {
  type BackendNetwork,
  type BroadcastOutcome,
  type ChainBackend,
  ChainBackendError,
  ChainBackendUnavailableError,
  type ChainTip,
} from './chain-backend';
import { type Endpoint, endpointOf, send } from './http';
import { networkOfGenesis, networkParameters, type NodeSoftware } from './networks';
import { type ChainBlock, type ChainTransaction, parseBlock, parseTransaction, txidOf } from './transactions';

export interface ChainBackendOptions {
  /** Deadline of each request. */
  timeoutMs?: number;
  /** How long a broadcast waits to see the transaction in the mempool before leaving it to the watcher (`held: false`). */
  acceptanceTimeoutMs?: number;
}

/** An error a node answered with, keeping its RPC code. */
export class JsonRpcError extends ChainBackendError {
  override readonly name = 'JsonRpcError';

  constructor(
    readonly method: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(`${method} failed: ${reason} (code ${code})`);
  }
}

// Bitcoin Core's RPC error codes that mean "no such thing" or "already there".
const RPC_INVALID_ADDRESS_OR_KEY = -5;
const RPC_INVALID_PARAMETER = -8;
const RPC_VERIFY_ALREADY_IN_CHAIN = -27;
// Core answers -28 while it loads its block index: up, but not yet usable.
const RPC_IN_WARMUP = -28;
/** How often a broadcast looks for its transaction in the mempool. */
const ACCEPTANCE_POLL_MS = 25;

/**
 * Bitcoin Core's JSON-RPC, and bcoin's (which speaks a dialect of it). Blocks and
 * transactions are fetched raw and decoded here, so amounts are exact and both nodes'
 * verbose formats (which differ) never matter. The differences that remain are handled
 * here: bcoin takes booleans where Core takes a verbosity number, spells regtest addresses
 * with its own prefixes, and answers sendrawtransaction with the txid even when its
 * mempool refuses the transaction.
 */
export class JsonRpcChainBackend implements ChainBackend {
  readonly kind = 'rpc';
  private readonly endpoint: Endpoint;
  private readonly timeoutMs: number;
  private readonly acceptanceTimeoutMs: number;
  private nextId = 1;

  constructor(url: string, { timeoutMs = 10_000, acceptanceTimeoutMs = 2_000 }: ChainBackendOptions = {}) {
    this.endpoint = endpointOf(url);
    this.timeoutMs = timeoutMs;
    this.acceptanceTimeoutMs = acceptanceTimeoutMs;
  }

  async network(): Promise<BackendNetwork> {
    const [genesisHash, { subversion }] = await Promise.all([
      this.call<string>('getblockhash', [0]),
      this.call<{ subversion: string }>('getnetworkinfo', []),
    ]);
    const network = networkOfGenesis(genesisHash);
    const software: NodeSoftware = subversion.includes('bcoin') ? 'bcoin' : 'bitcoin-core';
    return { network, genesisHash, parameters: network && networkParameters(network, software), software: subversion };
  }

  async tip(): Promise<ChainTip> {
    const { blocks, bestblockhash } = await this.call<{ blocks: number; bestblockhash: string }>('getblockchaininfo', []);
    return { height: blocks, hash: bestblockhash };
  }

  async blockHash(height: number): Promise<string | undefined> {
    try {
      return await this.call<string>('getblockhash', [height]);
    } catch (error) {
      // Core: "Block height out of range"; bcoin answers above its tip with a null result.
      if (error instanceof JsonRpcError && error.code === RPC_INVALID_PARAMETER) return undefined;
      throw error;
    }
  }

  async block(hash: string): Promise<ChainBlock> {
    // `false` asks for the serialized block on both nodes: bcoin's second parameter is a
    // boolean (verbose), Core's a verbosity number that still accepts false for 0.
    return parseBlock(hex.decode(await this.call<string>('getblock', [hash, false])));
  }

  mempoolTxids(): Promise<string[]> {
    return this.call<string[]>('getrawmempool', []);
  }

  async transaction(txid: string): Promise<ChainTransaction | undefined> {
    const raw = await this.rawTransaction(txid);
    return raw === undefined ? undefined : parseTransaction(hex.decode(raw));
  }

  async broadcast(raw: Uint8Array): Promise<BroadcastOutcome> {
    const txid = txidOf(raw);
    try {
      await this.call<string>('sendrawtransaction', [hex.encode(raw)]);
    } catch (error) {
      if (!(error instanceof JsonRpcError)) throw error;
      if (error.code === RPC_VERIFY_ALREADY_IN_CHAIN) return { accepted: true, txid, held: true };
      return { accepted: false, txid, reason: error.reason };
    }
    // bcoin says the same whether or not its mempool takes the transaction, and verifies it
    // after answering: only the mempool (or the chain, for a repeat) tells, or an input that
    // something else spent. Inputs are read first, because once the transaction is in the
    // mempool its own inputs read as spent. Past the window, the watcher settles it.
    const deadline = Date.now() + this.acceptanceTimeoutMs;
    for (;;) {
      const gone = await this.goneInput(raw);
      if (await this.holds(txid)) return { accepted: true, txid, held: true };
      if (gone !== undefined) return { accepted: false, txid, reason: `bad-txns-inputs-missingorspent: input ${gone} is missing or spent` };
      if (Date.now() >= deadline) return { accepted: true, txid, held: false };
      await new Promise((resolve) => setTimeout(resolve, ACCEPTANCE_POLL_MS));
    }
  }

  async feeRate(targetBlocks: number): Promise<number | undefined> {
    // Core answers { feerate } in BTC/kvB, or { errors } without an estimate; bcoin answers
    // { fee } in BTC/kB, -1 without one.
    const estimate = await this.call<{ feerate?: number; fee?: number }>('estimatesmartfee', [targetBlocks]);
    const btcPerKvb = estimate.feerate ?? estimate.fee;
    return btcPerKvb === undefined || btcPerKvb <= 0 ? undefined : (btcPerKvb * 100_000_000) / 1_000;
  }

  private async rawTransaction(txid: string): Promise<string | undefined> {
    try {
      return await this.call<string>('getrawtransaction', [txid, false]);
    } catch (error) {
      // Core: -5 "No such mempool or blockchain transaction"; bcoin: -1 "Transaction not found."
      if (error instanceof JsonRpcError && (error.code === RPC_INVALID_ADDRESS_OR_KEY || /not found/i.test(error.reason))) return undefined;
      throw error;
    }
  }

  private async holds(txid: string): Promise<boolean> {
    const mempool = await this.mempoolTxids();
    return mempool.includes(txid) || (await this.rawTransaction(txid)) !== undefined;
  }

  /** The first input (as `txid:vout`) that is neither unspent in the chain nor in the mempool, if any. */
  private async goneInput(raw: Uint8Array): Promise<string | undefined> {
    for (const input of parseTransaction(raw).inputs) {
      if ((await this.call<unknown>('gettxout', [input.txid, input.vout, true])) === null) return `${input.txid}:${input.vout}`;
    }
    return undefined;
  }

  private async call<Result>(method: string, params: unknown[]): Promise<Result> {
    const response = await send(
      this.endpoint,
      '/',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '1.0', id: this.nextId++, method, params }),
      },
      this.timeoutMs,
    );
    if (response.status === 401 || response.status === 403) {
      throw new ChainBackendError(`chain backend ${this.endpoint.display} refused the credentials (HTTP ${response.status})`);
    }
    const text = await response.text();
    let body: { result?: Result; error?: { code: number; message: string } | null };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new ChainBackendUnavailableError(
        `chain backend ${this.endpoint.display} answered ${method} with HTTP ${response.status}, not JSON`,
      );
    }
    if (body.error !== undefined && body.error !== null) {
      if (body.error.code === RPC_IN_WARMUP) throw new ChainBackendUnavailableError(`chain backend is starting: ${body.error.message}`);
      throw new JsonRpcError(method, body.error.code, body.error.message);
    }
    return body.result as Result;
  }
}
