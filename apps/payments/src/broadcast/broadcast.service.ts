import { parseTransaction } from '@coming/chain';
import type { payments } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { ChainConnection } from '../chain/chain-connection';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsMetrics } from '../payments.metrics';
import { checkDevice, invalid } from '../request-checks';
import { PaymentStatusesRepository } from '../statuses/payment-statuses.repository';
import { StatusNotifier } from '../statuses/status-notifier';
import { LIVE_STATES, TrackedTransactionsRepository } from '../watcher/tracked-transactions.repository';

/** The largest standard transaction (400,000 weight units) is at most this many bytes. */
const MAX_TRANSACTION_BYTES = 100_000;
const PSBT_MAGIC = Buffer.from('psbt\xff', 'latin1');
const DEFAULT_TARGET_BLOCKS = 6;
const MAX_TARGET_BLOCKS = 1_008;

/** Sends devices' signed transactions to the network and answers fee estimates. */
@Injectable()
export class BroadcastService {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: ChainConnection,
    private readonly tracked: TrackedTransactionsRepository,
    private readonly statuses: PaymentStatusesRepository,
    private readonly notifier: StatusNotifier,
    private readonly metrics: PaymentsMetrics,
    private readonly clock: Clock,
  ) {}

  /**
   * Idempotent on the txid: a transaction the watcher already tracks alive is not sent again,
   * only tied to this account too; any other is sent, and tracked unless the node refused
   * it (as BROADCAST until the watcher sees it in the mempool).
   */
  async broadcast({
    accountId,
    deviceId,
    rawTransaction,
  }: payments.BroadcastTransactionRequest): Promise<payments.BroadcastTransactionResponse> {
    checkDevice(accountId, deviceId);
    if (rawTransaction.length === 0 || rawTransaction.length > MAX_TRANSACTION_BYTES) {
      throw invalid(`raw_transaction must be 1 to ${MAX_TRANSACTION_BYTES} bytes`);
    }
    if (Buffer.from(rawTransaction.subarray(0, PSBT_MAGIC.length)).equals(PSBT_MAGIC)) {
      throw invalid('raw_transaction is a PSBT: finalize and extract the signed transaction first');
    }
    let transaction;
    try {
      transaction = parseTransaction(rawTransaction);
    } catch (error) {
      throw invalid(`raw_transaction is not a transaction in network serialization: ${(error as Error).message}`);
    }
    const state = await this.tracked.stateOf(transaction.txid);
    if (state === undefined || !LIVE_STATES.includes(state)) {
      const outcome = await this.chain.use((backend) => backend.broadcast(rawTransaction));
      this.metrics.broadcasts.add(1, { outcome: outcome.accepted ? 'accepted' : 'rejected' });
      if (!outcome.accepted) return { result: { rejected: { txid: outcome.txid, reason: outcome.reason } } };
    }
    const changed = await this.tracked.track([transaction], { kind: 'broadcast', accountId }, this.clock.now());
    await this.notifier.transactionsChanged(changed);
    const [accepted] = await this.statuses.ofTransactions(accountId, [transaction.txid], this.config.PAYMENTS_CONFIRMATION_DEPTH);
    return { result: { accepted } };
  }

  async feeEstimate({ targetBlocks }: payments.GetFeeEstimateRequest): Promise<payments.GetFeeEstimateResponse> {
    const target = targetBlocks === 0 ? DEFAULT_TARGET_BLOCKS : targetBlocks;
    if (!Number.isInteger(target) || target < 1 || target > MAX_TARGET_BLOCKS) {
      throw invalid(`target_blocks must be 1 to ${MAX_TARGET_BLOCKS}, or 0 for ${DEFAULT_TARGET_BLOCKS}`);
    }
    const rate = await this.chain.use((backend) => backend.feeRate(target));
    const satPerVbyte = rate === undefined ? this.config.PAYMENTS_FALLBACK_FEE_RATE : Math.max(1, Math.ceil(rate));
    return { estimate: { satPerVbyte, targetBlocks: target, fallback: rate === undefined } };
  }
}
