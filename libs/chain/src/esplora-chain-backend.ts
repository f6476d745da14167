import { hex } from '@scure/base';
import {
  type BackendNetwork,
  type BroadcastOutcome,
  type ChainBackend,
  ChainBackendError,
  ChainBackendUnavailableError,
  type ChainTip,
} from './chain-backend';
import { type Endpoint, endpointOf, eventually, send } from './http';
import type { ChainBackendOptions } from './json-rpc-chain-backend';
import { bitcoinCoreNetworks, networkOfGenesis } from './networks';
import { type ChainBlock, type ChainTransaction, parseBlock, parseTransaction, txidOf } from './transactions';

/**
 * An Esplora HTTP API (Blockstream's esplora/electrs, mempool.space's), as its API.md
 * documents it: JSON over REST, amounts in satoshis. Blocks and transactions are fetched
 * in their raw serialization (`/block/:hash/raw`, `/tx/:txid/hex`) and decoded here, like
 * the JSON-RPC adapter does. Esplora runs on Bitcoin Core, so addresses take Core's
 * parameters.
 */
export class EsploraChainBackend implements ChainBackend {
  readonly kind = 'esplora';
  private readonly endpoint: Endpoint;
  private readonly timeoutMs: number;
  private readonly acceptanceTimeoutMs: number;

  constructor(url: string, { timeoutMs = 10_000, acceptanceTimeoutMs = 2_000 }: ChainBackendOptions = {}) {
    this.endpoint = endpointOf(url);
    this.timeoutMs = timeoutMs;
    this.acceptanceTimeoutMs = acceptanceTimeoutMs;
  }

  async network(): Promise<BackendNetwork> {
    const genesisHash = await this.text('/block-height/0');
    const network = networkOfGenesis(genesisHash);
    return { network, genesisHash, parameters: network && bitcoinCoreNetworks[network], software: 'esplora' };
  }

  async tip(): Promise<ChainTip> {
    // The hash first, then its height: two calls on either side of a new block still agree.
    const hash = await this.text('/blocks/tip/hash');
    const { height } = await this.json<{ height: number }>(`/block/${hash}`);
    return { height, hash };
  }

  async blockHash(height: number): Promise<string | undefined> {
    return this.text(`/block-height/${height}`, { notFound: true });
  }

  async block(hash: string): Promise<ChainBlock> {
    const response = await this.get(`/block/${hash}/raw`);
    return parseBlock(new Uint8Array(await response.arrayBuffer()));
  }

  mempoolTxids(): Promise<string[]> {
    return this.json<string[]>('/mempool/txids');
  }

  async transaction(txid: string): Promise<ChainTransaction | undefined> {
    const raw = await this.text(`/tx/${txid}/hex`, { notFound: true });
    return raw === undefined ? undefined : parseTransaction(hex.decode(raw));
  }

  async broadcast(raw: Uint8Array): Promise<BroadcastOutcome> {
    const txid = txidOf(raw);
    const response = await send(this.endpoint, '/tx', { method: 'POST', body: hex.encode(raw) }, this.timeoutMs);
    if (response.status >= 500) throw new ChainBackendUnavailableError(`chain backend answered the broadcast with HTTP ${response.status}`);
    if (!response.ok) return { accepted: false, txid, reason: reasonOf(await response.text()) };
    const holds = async () => (await send(this.endpoint, `/tx/${txid}/status`, {}, this.timeoutMs)).ok;
    // Esplora relays to its node and answers once it decided; the window only covers its index catching up.
    return { accepted: true, txid, held: await eventually(holds, this.acceptanceTimeoutMs) };
  }

  async feeRate(targetBlocks: number): Promise<number | undefined> {
    // Keys are confirmation targets (2, 3, …, 1008), values sat/vB. The estimate for the
    // largest target within the one asked for is the cheapest that still meets it.
    const estimates = Object.entries(await this.json<Record<string, number>>('/fee-estimates'))
      .map(([target, rate]) => ({ target: Number(target), rate }))
      .sort((left, right) => left.target - right.target);
    const within = estimates.filter(({ target }) => target <= targetBlocks);
    return (within.at(-1) ?? estimates[0])?.rate;
  }

  private async get(path: string): Promise<Response> {
    const response = await send(this.endpoint, path, {}, this.timeoutMs);
    if (response.status >= 500) throw new ChainBackendUnavailableError(`chain backend answered ${path} with HTTP ${response.status}`);
    if (!response.ok)
      throw new ChainBackendError(`chain backend answered ${path} with HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
    return response;
  }

  private async text(path: string): Promise<string>;
  private async text(path: string, options: { notFound: true }): Promise<string | undefined>;
  private async text(path: string, options?: { notFound: true }): Promise<string | undefined> {
    if (options?.notFound) {
      const response = await send(this.endpoint, path, {}, this.timeoutMs);
      if (response.status === 404) return undefined;
      if (response.status >= 500) throw new ChainBackendUnavailableError(`chain backend answered ${path} with HTTP ${response.status}`);
      if (!response.ok) throw new ChainBackendError(`chain backend answered ${path} with HTTP ${response.status}`);
      return (await response.text()).trim();
    }
    return (await (await this.get(path)).text()).trim();
  }

  private async json<Body>(path: string): Promise<Body> {
    return (await (await this.get(path)).json()) as Body;
  }
}

/** electrs passes bitcoind's refusal through as `sendrawtransaction RPC error: {"code":-26,"message":"…"}`; keep the node's words. */
function reasonOf(body: string): string {
  const json = body.slice(body.indexOf('{'));
  try {
    const { message } = JSON.parse(json) as { message?: unknown };
    if (typeof message === 'string') return message;
  } catch {
    // Not the wrapped form: the body is the reason as it stands.
  }
  return body.trim();
}
