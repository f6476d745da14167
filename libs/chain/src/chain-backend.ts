import type { NetworkName, NetworkParameters } from './networks';
import type { ChainBlock, ChainTransaction } from './transactions';

/** The kinds of backend a deployment can be pointed at (PAYMENTS_BACKEND_KIND). */
export const CHAIN_BACKEND_KINDS = ['rpc', 'esplora'] as const;
export type ChainBackendKind = (typeof CHAIN_BACKEND_KINDS)[number];

export interface ChainTip {
  height: number;
  hash: string;
}

/** Which chain a backend follows, and how addresses are spelled there. */
export interface BackendNetwork {
  /** Undefined when the backend follows a chain that is none of ours (signet, another coin). */
  network: NetworkName | undefined;
  /** The backend's genesis block hash, for the message when it is not the expected one. */
  genesisHash: string;
  /** Address parameters on that chain, as the node behind the backend spells them. */
  parameters: NetworkParameters | undefined;
  /** What the backend says it is, for logs: "/Satoshi:27.0.0/", "/bcoin:v1.0.2/", "esplora". */
  software: string;
}

/**
 * What became of a broadcast. `held` is false when the backend took the transaction but did
 * not show it within the acceptance window (a node still verifying under load): it is
 * neither refused nor known to be in the mempool, and the watcher settles it on its next pass.
 */
export type BroadcastOutcome = { accepted: true; txid: string; held: boolean } | { accepted: false; txid: string; reason: string };

/**
 * One node or indexer the payments service follows. Every adapter answers the same
 * questions, whatever the node's dialect; differences between nodes (bcoin's RPC, its
 * address prefixes, its broadcast that reports success on rejection) stay inside the
 * adapter. Amounts are integer satoshis.
 *
 * Failing to reach the backend throws ChainBackendUnavailableError; a backend that answers
 * with an error throws ChainBackendError.
 */
export interface ChainBackend {
  readonly kind: ChainBackendKind;
  /** The chain the backend follows. */
  network(): Promise<BackendNetwork>;
  /** The best block. */
  tip(): Promise<ChainTip>;
  /** The hash of the best chain's block at `height`; undefined above the tip. */
  blockHash(height: number): Promise<string | undefined>;
  /** A block with every transaction, decoded from its serialization. */
  block(hash: string): Promise<ChainBlock>;
  /** The txids in the backend's mempool. */
  mempoolTxids(): Promise<string[]>;
  /** A transaction in the mempool (or, where the backend indexes them, in the chain); undefined if unknown. */
  transaction(txid: string): Promise<ChainTransaction | undefined>;
  /**
   * Sends a signed transaction. Refused only for a reason (the node's, or an input gone);
   * held once the backend shows it in its mempool or chain: some nodes answer a broadcast
   * with its txid whatever happens, and verify it afterwards.
   */
  broadcast(raw: Uint8Array): Promise<BroadcastOutcome>;
  /** Fee rate for confirmation within `targetBlocks`, in sat/vB (fractional); undefined when the backend has no estimate. */
  feeRate(targetBlocks: number): Promise<number | undefined>;
}

/** The backend answered, with an error. */
export class ChainBackendError extends Error {
  override readonly name: string = 'ChainBackendError';
}

/** The backend could not be reached, or did not answer in time: worth retrying later. */
export class ChainBackendUnavailableError extends ChainBackendError {
  override readonly name = 'ChainBackendUnavailableError';
}
