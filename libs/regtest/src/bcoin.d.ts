// bcoin ships no type declarations; these cover the few parts the regtest node uses.
declare module 'bcoin' {
  interface ChainEntry {
    height: number;
    hash: Buffer;
  }
  interface Block {
    hash(): Buffer;
    rhash(): string;
  }
  interface Transaction {
    readonly mutable: false;
    inputs: { prevout: { hash: unknown; index: number }; sequence: number }[];
    getFee(view: unknown): number;
    getVirtualSize(): number;
  }
  interface MempoolEntry {
    tx: Transaction;
    fee: number;
  }
  interface Mempool {
    addTX(transaction: Transaction, id?: number): Promise<unknown>;
    getSpent(hash: unknown, index: number): MempoolEntry | undefined;
    getCoinView(transaction: Transaction): Promise<unknown>;
    evictEntry(entry: MempoolEntry): void;
  }
  interface CpuJob {
    attempt: { addTX(transaction: Transaction, view: unknown): boolean; refresh(): void };
    refresh(): void;
  }
  class FullNode {
    constructor(options: Record<string, unknown>);
    ensure(): Promise<void>;
    open(): Promise<void>;
    close(): Promise<void>;
    mempool: Mempool;
    chain: {
      height: number;
      getEntry(hashOrHeight: number | Buffer): Promise<ChainEntry | null>;
      tip: ChainEntry;
      add(block: Block): Promise<ChainEntry | null>;
      getCoinView(transaction: Transaction): Promise<unknown>;
    };
    miner: {
      mempool: unknown;
      mineBlock(tip: ChainEntry, address: unknown): Promise<Block>;
      cpu: { createJob(tip: ChainEntry, address: unknown): Promise<CpuJob>; mineAsync(job: CpuJob): Promise<Block> };
    };
    rpc: {
      call(request: { method: string; params: unknown[] }): Promise<{ result: unknown; error: { message: string; code: number } | null }>;
    };
  }
  const Address: { fromString(address: string, network: string): unknown };
  const TX: { fromRaw(raw: Buffer): Transaction };
  const KeyRing: { generate(): { getAddress(format: string, network: string): string } };
  export { Address, FullNode, KeyRing, TX };
  export type { Mempool, MempoolEntry, Transaction };
}
