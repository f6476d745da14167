import type { ChainBackend, ChainTransaction } from '@coming/chain';
import { InjectLogger, type Logger } from '@coming/logging';
import { Clock } from '@coming/runtime';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ChainConnection } from '../chain/chain-connection';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsError } from '../payments.errors';
import { PaymentsMetrics } from '../payments.metrics';
import { StatusNotifier } from '../statuses/status-notifier';
import { type Changed, TrackedTransactionsRepository } from './tracked-transactions.repository';
import { WatcherRepository } from './watcher.repository';

/** Blocks connected in one pass at most, so that a watcher far behind still reports progress. */
const MAX_BLOCKS_PER_PASS = 100;
/** Mempool transactions fetched at once. */
const FETCH_CONCURRENCY = 8;

/**
 * Follows the backend's best chain and mempool, in the spirit of NBXplorer: each pass
 * snapshots the mempool, connects new blocks (disconnecting those a reorganisation replaced),
 * then reconciles the unconfirmed transactions it tracks with the snapshot, and lapses unpaid
 * payment requests. The mempool is read before the blocks, so that a transaction mined
 * during the pass is found in a block rather than taken for dropped.
 *
 * One replica at a time follows the chain (a lease in the database); the others serve reads.
 * A failed pass (the backend down) is retried on the next tick, from where the last one got.
 */
@Injectable()
export class ChainWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Mempool txids already looked at, so that each is fetched once while it stays there. */
  private seenInMempool = new Set<string>();
  private stopped = false;

  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: ChainConnection,
    private readonly watcher: WatcherRepository,
    private readonly tracked: TrackedTransactionsRepository,
    private readonly notifier: StatusNotifier,
    private readonly metrics: PaymentsMetrics,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.pass(), this.config.PAYMENTS_POLL_INTERVAL_MS).unref();
    void this.pass();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.watcher.releaseLease(this.holder).catch((error: unknown) => this.logger.warn({ err: error }, 'watcher lease not released'));
  }

  /** One pass now, or the one in progress; never rejects. */
  pass(): Promise<void> {
    this.running ??= this.passOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async passOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      const leaseMs = this.config.PAYMENTS_POLL_INTERVAL_MS * 5;
      if (!(await this.watcher.holdLease(this.holder, leaseMs, this.clock.now()))) return;
      const changed: Changed = new Set();
      const mempool = new Set(await this.chain.use((backend) => backend.mempoolTxids()));
      await this.connectBlocks(changed);
      await this.followMempool(mempool, changed);
      await this.notifier.transactionsChanged(changed);
      await this.notifier.requestsChanged(await this.watcher.expireRequests(this.clock.now()));
    } catch (error) {
      // An unreachable backend is counted and logged once by the connection; anything else is a fault.
      if (!(error instanceof PaymentsError)) this.logger.error({ err: error }, 'watcher pass failed; retrying next tick');
    }
  }

  /** Brings the watcher's chain to the backend's tip, undoing blocks a reorganisation replaced. */
  private async connectBlocks(changed: Changed): Promise<void> {
    const tip = await this.chain.use((backend) => backend.tip());
    let ours = await this.watcher.tip();
    if (ours === undefined) {
      // Watching starts at the tip: nothing was watched before.
      await this.watcher.saveBlock(tip.height, tip.hash);
      this.metrics.setWatcherLag(0);
      return;
    }
    if (ours.hash === tip.hash) {
      this.metrics.setWatcherLag(0);
      return;
    }
    const fork = await this.forkHeight(Math.min(ours.height, tip.height));
    if (fork < ours.height) {
      this.logger.info({ from: ours.height, to: fork }, 'reorganisation: blocks left the best chain');
      for (const txid of await this.tracked.disconnectAbove(fork, this.clock.now())) changed.add(txid);
      ours = { height: fork, hash: (await this.watcher.hashAt(fork)) ?? '' };
    }
    const last = Math.min(tip.height, ours.height + MAX_BLOCKS_PER_PASS);
    for (let height = ours.height + 1; height <= last; height += 1) {
      const connected = await this.chain.use((backend) => connectable(backend, height));
      // The chain moved under the pass (another reorganisation): the next pass starts over.
      if (connected === undefined || connected.block.previousHash !== (await this.watcher.hashAt(height - 1))) break;
      const placement = { kind: 'block' as const, height, hash: connected.hash };
      for (const txid of await this.tracked.track(connected.block.transactions, placement, this.clock.now())) changed.add(txid);
      await this.watcher.saveBlock(height, connected.hash);
      ours = { height, hash: connected.hash };
    }
    for (const txid of await this.tracked.updateConfirmations(ours.height, this.config.PAYMENTS_CONFIRMATION_DEPTH, this.clock.now())) {
      changed.add(txid);
    }
    this.metrics.setWatcherLag(tip.height - ours.height);
  }

  /** The highest height at which the watcher's block is still the backend's. */
  private async forkHeight(from: number): Promise<number> {
    const lowest = (await this.watcher.lowestHeight()) ?? from;
    let height = from;
    while (height > lowest) {
      const ours = await this.watcher.hashAt(height);
      const theirs = await this.chain.use((backend) => backend.blockHash(height));
      if (ours !== undefined && ours === theirs) return height;
      height -= 1;
    }
    return height;
  }

  /**
   * Takes in new mempool transactions, then settles the unconfirmed ones it tracks: in the
   * mempool means IN_MEMPOOL; gone without a block means sent again (a node may forget
   * transactions of blocks a reorganisation took away, as bcoin does) and, if the node
   * refuses it now, DROPPED.
   */
  private async followMempool(mempool: Set<string>, changed: Changed): Promise<void> {
    const fresh = [...mempool].filter((txid) => !this.seenInMempool.has(txid));
    const fetched: ChainTransaction[] = [];
    for (let start = 0; start < fresh.length; start += FETCH_CONCURRENCY) {
      const batch = fresh.slice(start, start + FETCH_CONCURRENCY);
      const transactions = await this.chain.use((backend) => Promise.all(batch.map((txid) => backend.transaction(txid))));
      for (const transaction of transactions) if (transaction !== undefined) fetched.push(transaction);
    }
    for (const txid of await this.tracked.track(fetched, { kind: 'mempool' }, this.clock.now())) changed.add(txid);
    this.seenInMempool = mempool;
    for (const { txid, state, raw } of await this.tracked.unconfirmed()) {
      const inMempool = mempool.has(txid) || (state !== 'dropped' && (await this.sentAgain(raw)));
      if (await this.tracked.setUnconfirmedState(txid, inMempool ? 'in_mempool' : 'dropped', this.clock.now())) changed.add(txid);
    }
  }

  private async sentAgain(raw: string): Promise<boolean> {
    const outcome = await this.chain.use((backend) => backend.broadcast(Buffer.from(raw, 'hex')));
    return outcome.accepted && outcome.held;
  }
}

/** The best chain's block at `height` with its hash, or undefined when the chain no longer reaches it. */
async function connectable(backend: ChainBackend, height: number) {
  const hash = await backend.blockHash(height);
  return hash === undefined ? undefined : { hash, block: await backend.block(hash) };
}
