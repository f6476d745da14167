import { InjectLogger, type Logger } from '@coming/logging';
import { Clock } from '@coming/runtime';
import { XBTC_ABI } from '@coming/xbtc';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BlockNotFoundError, type Hex, type PublicClient, TransactionNotFoundError, TransactionReceiptNotFoundError } from 'viem';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsError } from '../payments.errors';
import { PaymentsMetrics } from '../payments.metrics';
import { WatcherRepository } from '../watcher/watcher.repository';
import { XbtcChain } from './xbtc-chain';
import { XbtcNotifier } from './xbtc-notifier';
import { SUBMISSION_CLAIM_MS, XbtcRelayer } from './xbtc-relayer';
import { type FollowedLog, type XbtcTransferRow, XbtcTransfersRepository } from './xbtc-transfers.repository';
import { XbtcWatchListRepository } from './xbtc-watch-list.repository';

/** Blocks whose logs are read in one pass at most, so that a follower far behind still reports progress. */
const MAX_BLOCKS_PER_PASS = 1_000n;

type Ids = Set<XbtcTransferRow['id']>;

/**
 * Follows the EVM chain for X-BTC, in the Bitcoin watcher's spirit (one replica holds the
 * lease). Each pass reads the tip; notices a reorganisation (a remembered block's hash is no
 * longer the chain's) and sends the transfers of the blocks that left back to pending; reads
 * the token's Transfer logs of new blocks for watched addresses; settles the transfers
 * relayed here (submits those waiting for gas, sends again those a reorganisation undid, as
 * wallets re-broadcast, finds their receipts); and counts confirmations up to the depth.
 * A pass that fails (the backend down) is retried on the next tick, from where the last got.
 */
@Injectable()
export class XbtcFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly holder = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: XbtcChain,
    private readonly relayer: XbtcRelayer,
    private readonly transfers: XbtcTransfersRepository,
    private readonly watchList: XbtcWatchListRepository,
    private readonly watcher: WatcherRepository,
    private readonly notifier: XbtcNotifier,
    private readonly metrics: PaymentsMetrics,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.pass(), this.config.PAYMENTS_XBTC_POLL_INTERVAL_MS).unref();
    void this.pass();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass now, or the one in progress; never rejects. */
  pass(): Promise<void> {
    this.running ??= this.passOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async passOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      const leaseMs = this.config.PAYMENTS_XBTC_POLL_INTERVAL_MS * 5;
      if (!(await this.watcher.holdLease(this.holder, leaseMs, this.clock.now(), 'xbtc'))) return;
      const tip = await this.chain.use((client) => client.getBlock());
      const from = await this.disconnectReorganised();
      const changed: Ids = new Set();
      const last = from === undefined ? tip.number : minimum(tip.number, from + MAX_BLOCKS_PER_PASS);
      if (from !== undefined && last > from) await this.followLogs(from + 1n, last, changed);
      const { number, hash } = last === tip.number ? tip : await this.chain.use((client) => client.getBlock({ blockNumber: last }));
      await this.transfers.saveBlock(Number(number), hash);
      await this.settleRelayed(tip.timestamp, changed);
      for (const id of await this.transfers.updateConfirmations(
        Number(last),
        this.config.PAYMENTS_XBTC_CONFIRMATION_DEPTH,
        this.clock.now(),
      )) {
        changed.add(id);
      }
      await this.notifier.changed(changed);
      this.metrics.setRelayerBalance(await this.relayer.nativeBalance(), this.config.PAYMENTS_XBTC_LOW_GAS_WEI);
    } catch (error) {
      // An unreachable backend is counted and logged once by the connection; anything else is a fault.
      if (!(error instanceof PaymentsError)) this.logger.error({ err: error }, 'X-BTC follower pass failed; retrying next tick');
    }
  }

  /**
   * Compares the remembered blocks with the chain, newest first; the transfers of blocks above
   * the newest that still matches go back to pending, and their devices hear of it now.
   * Returns the last block still followed, or undefined on the first pass (following starts at the tip).
   */
  private async disconnectReorganised(): Promise<bigint | undefined> {
    const remembered = await this.transfers.blocks();
    if (remembered.length === 0) return undefined;
    let fork: number | undefined;
    for (const { number, hash } of remembered) {
      const theirs = await this.chain.use((client) => blockHashAt(client, BigInt(number)));
      if (theirs === hash) {
        fork = number;
        break;
      }
    }
    const kept = fork ?? remembered.at(-1)!.number - 1;
    if (kept < remembered[0]!.number) {
      this.logger.info({ from: remembered[0]!.number, to: kept }, 'X-BTC reorganisation: blocks left the best chain');
      await this.notifier.changed(await this.transfers.disconnectAbove(kept, this.clock.now()));
    }
    return BigInt(kept);
  }

  /** Records the token's Transfer logs from or to watched addresses, except those of transfers relayed here. */
  private async followLogs(fromBlock: bigint, toBlock: bigint, changed: Ids): Promise<void> {
    const logs = await this.chain.use((client) =>
      client.getContractEvents({ address: this.chain.settings.token, abi: XBTC_ABI, eventName: 'Transfer', fromBlock, toBlock }),
    );
    const watched = await this.watchList.watchedAmong([...new Set(logs.flatMap(({ args }) => [args.from ?? '', args.to ?? '']))]);
    const relayed = await this.transfers.relayedHashes([...new Set(logs.map(({ transactionHash }) => transactionHash))]);
    const followed: FollowedLog[] = logs
      .filter(({ args, transactionHash }) => (watched.has(args.from ?? '') || watched.has(args.to ?? '')) && !relayed.has(transactionHash))
      .map((log) => ({
        txHash: log.transactionHash,
        logIndex: log.logIndex,
        from: log.args.from!,
        to: log.args.to!,
        valueSat: Number(log.args.value),
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
      }));
    for (const log of followed) await this.transfers.saveBlock(log.blockNumber, log.blockHash);
    for (const id of await this.transfers.recordLogs(followed, this.clock.now())) changed.add(id);
  }

  /** Moves each relayed transfer not yet mined one step on, as far as the chain allows. */
  private async settleRelayed(chainTime: bigint, changed: Ids): Promise<void> {
    for (const transfer of await this.transfers.openRelayed()) {
      const change = await this.settle(transfer, chainTime);
      if (change === undefined || !(await this.transfers.change(transfer.id, change, this.clock.now()))) continue;
      changed.add(transfer.id);
      // Counted the first time it is mined: one a reorganisation undid and that is mined anew paid once.
      if (change.state === 'confirmed' && (await this.transfers.countFeeOnce(transfer.id)))
        this.metrics.xbtcFees.add(Number(transfer.fee_sat));
    }
  }

  private async settle(
    transfer: XbtcTransferRow,
    chainTime: bigint,
  ): Promise<Parameters<XbtcTransfersRepository['change']>[1] | undefined> {
    const lapsed = BigInt(transfer.valid_before ?? 0) <= chainTime;
    if (transfer.tx_hash === null || transfer.raw_transaction === null) {
      if (lapsed) return { state: 'expired', reason: 'the authorization expired before the relayer could submit it' };
      // The relay that recorded it may be sending it right now: sent twice, the second would revert.
      const now = this.clock.now();
      if (!(await this.transfers.claimSubmission(transfer.id, now, new Date(now.getTime() + SUBMISSION_CLAIM_MS)))) return undefined;
      return this.submit(transfer);
    }
    const hash = transfer.tx_hash as Hex;
    const receipt = await this.chain.use((client) =>
      client.getTransactionReceipt({ hash }).catch((error: unknown) => notFound(error, TransactionReceiptNotFoundError)),
    );
    if (receipt !== undefined) {
      if (receipt.status === 'reverted')
        return { state: 'dropped', reason: 'the transaction reverted on chain', block_number: null, block_hash: null };
      await this.transfers.saveBlock(Number(receipt.blockNumber), receipt.blockHash);
      return { state: 'confirmed', reason: '', block_number: Number(receipt.blockNumber), block_hash: receipt.blockHash, confirmations: 0 };
    }
    const pending = await this.chain.use((client) =>
      client.getTransaction({ hash }).catch((error: unknown) => notFound(error, TransactionNotFoundError)),
    );
    if (pending !== undefined) return { state: 'in_mempool', reason: '' };
    if (lapsed) return { state: 'dropped', reason: 'never mined before the authorization expired' };
    // Not known to the node (a reorganisation took it away): sent again as it was signed, or anew.
    if (await this.relayer.resend(transfer.raw_transaction as Hex)) return { state: 'in_mempool' };
    return this.submit(transfer);
  }

  private async submit(transfer: XbtcTransferRow): Promise<Parameters<XbtcTransfersRepository['change']>[1]> {
    const submission = await this.relayer.submit({
      message: {
        from: transfer.from_address as Hex,
        to: transfer.to_address as Hex,
        value: BigInt(transfer.value_sat),
        fee: BigInt(transfer.fee_sat),
        validAfter: BigInt(transfer.valid_after ?? 0),
        validBefore: BigInt(transfer.valid_before ?? 0),
        nonce: transfer.nonce as Hex,
      },
      signature: transfer.signature as Hex,
    });
    if (submission.kind === 'waiting') return { state: 'in_mempool', reason: submission.reason, submitting_until: null };
    this.metrics.xbtcRelays.add(1, { outcome: 'submitted' });
    return { state: 'broadcast', reason: '', tx_hash: submission.txHash, raw_transaction: submission.raw, submitting_until: null };
  }
}

async function blockHashAt(client: PublicClient, blockNumber: bigint): Promise<string | undefined> {
  return client.getBlock({ blockNumber }).then(
    (block) => block.hash,
    (error: unknown) => notFound(error, BlockNotFoundError),
  );
}

/** Undefined for the chain's "no such thing"; any other error (the backend down) goes on up. */
function notFound(error: unknown, kind: new (...args: never[]) => Error): undefined {
  if (error instanceof kind) return undefined;
  throw error;
}

function minimum(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
