import { InjectKysely } from '@coming/database';
import { payments } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { PaymentsDatabase, TransactionState } from '../payments.database';
import { LIVE_STATES, unpaid } from '../watcher/tracked-transactions.repository';

const STATES: Record<TransactionState, payments.PaymentState> = {
  broadcast: payments.PaymentState.PAYMENT_STATE_BROADCAST,
  in_mempool: payments.PaymentState.PAYMENT_STATE_IN_MEMPOOL,
  confirmed: payments.PaymentState.PAYMENT_STATE_CONFIRMED,
  replaced: payments.PaymentState.PAYMENT_STATE_REPLACED,
  dropped: payments.PaymentState.PAYMENT_STATE_DROPPED,
};

interface RequestRow {
  script_pubkey: string;
  address: string;
  amount_sat: string | number | bigint;
  expires_at: Date;
  expired: boolean;
  created_at: Date;
  updated_at: Date;
}

/**
 * Reads statuses as one account sees them: the chain's state of each transaction, with the
 * amounts it pays to and takes from that account's addresses only. Every method takes the
 * account first and reads nothing of another's.
 */
@Injectable()
export class PaymentStatusesRepository {
  constructor(@InjectKysely() private readonly db: Kysely<PaymentsDatabase>) {}

  /** The statuses of these transactions that concern the account, newest change first. */
  async ofTransactions(accountId: string, txids: string[], depth: number): Promise<payments.PaymentStatus[]> {
    if (txids.length === 0) return [];
    const [transactions, outputs, spent] = await Promise.all([
      this.db
        .selectFrom('chain_transactions')
        .innerJoin('account_transactions', 'account_transactions.txid', 'chain_transactions.txid')
        .select([
          'chain_transactions.txid',
          'state',
          'block_height',
          'block_hash',
          'confirmations',
          'replaced_by',
          'first_seen_at',
          'updated_at',
        ])
        .where('account_transactions.account_id', '=', accountId)
        .where('chain_transactions.txid', 'in', txids)
        .orderBy('updated_at', 'desc')
        .execute(),
      this.db
        .selectFrom('transaction_outputs')
        .select(['txid', 'script_pubkey', 'address', 'value_sat'])
        .where('account_id', '=', accountId)
        .where('txid', 'in', txids)
        .execute(),
      this.db
        .selectFrom('transaction_inputs')
        .innerJoin('transaction_outputs', (join) =>
          join
            .onRef('transaction_outputs.txid', '=', 'transaction_inputs.previous_txid')
            .onRef('transaction_outputs.vout', '=', 'transaction_inputs.previous_vout'),
        )
        .select(['transaction_inputs.txid', 'transaction_outputs.address', 'transaction_outputs.value_sat'])
        .where('transaction_outputs.account_id', '=', accountId)
        .where('transaction_inputs.txid', 'in', txids)
        .execute(),
    ]);
    const scripts = [...new Set(outputs.map(({ script_pubkey }) => script_pubkey))];
    const requests =
      scripts.length === 0
        ? []
        : await this.db
            .selectFrom('payment_requests')
            .selectAll()
            .where('account_id', '=', accountId)
            .where('script_pubkey', 'in', scripts)
            .execute();
    return transactions.map((transaction) => {
      const paid = outputs.filter(({ txid }) => txid === transaction.txid);
      const taken = spent.filter(({ txid }) => txid === transaction.txid);
      const request = requests.find(({ script_pubkey }) => paid.some((output) => output.script_pubkey === script_pubkey));
      return {
        currency: payments.Currency.CURRENCY_BTC,
        state: STATES[transaction.state],
        txid: transaction.txid,
        confirmations: transaction.state === 'confirmed' ? transaction.confirmations : 0,
        confirmationDepth: depth,
        blockHeight: transaction.block_height ?? 0,
        blockHash: transaction.block_hash ?? '',
        replacedByTxid: transaction.replaced_by ?? '',
        receivedSat: sum(paid),
        spentSat: sum(taken),
        addresses: [...new Set([...paid, ...taken].map(({ address }) => address))],
        request: request && requestInfo(request),
        firstSeenMs: transaction.first_seen_at.getTime(),
        updatedAtMs: transaction.updated_at.getTime(),
      };
    });
  }

  /**
   * The statuses of the account's payment requests at these scripts (all its requests when
   * unset) that no live transaction pays yet: REQUESTED, or EXPIRED once past their expiry.
   * A paid request's status is its transaction's.
   */
  async ofUnpaidRequests(accountId: string, depth: number, filter: { scripts?: string[]; updatedAfter?: Date; limit: number }) {
    if (filter.scripts?.length === 0) return [];
    const rows = await this.db
      .selectFrom('payment_requests')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(filter.scripts !== undefined, (query) => query.where('script_pubkey', 'in', filter.scripts ?? []))
      .$if(filter.updatedAfter !== undefined, (query) => query.where('updated_at', '>', filter.updatedAfter ?? new Date(0)))
      .where(unpaid)
      .orderBy('updated_at', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map((row): payments.PaymentStatus => ({
      currency: payments.Currency.CURRENCY_BTC,
      state: row.expired ? payments.PaymentState.PAYMENT_STATE_EXPIRED : payments.PaymentState.PAYMENT_STATE_REQUESTED,
      txid: '',
      confirmations: 0,
      confirmationDepth: depth,
      blockHeight: 0,
      blockHash: '',
      replacedByTxid: '',
      receivedSat: 0,
      spentSat: 0,
      addresses: [row.address],
      request: requestInfo(row),
      firstSeenMs: row.created_at.getTime(),
      updatedAtMs: row.updated_at.getTime(),
    }));
  }

  /** The account's transactions, newest change first: all, those touching `scripts`, or those changed after a time. */
  async transactionIds(
    accountId: string,
    filter: { scripts?: string[]; updatedAfter?: Date; txids?: string[]; limit: number },
  ): Promise<string[]> {
    const { scripts, updatedAfter, txids } = filter;
    if (scripts?.length === 0 || txids?.length === 0) return [];
    const rows = await this.db
      .selectFrom('account_transactions')
      .innerJoin('chain_transactions', 'chain_transactions.txid', 'account_transactions.txid')
      .select('chain_transactions.txid')
      .where('account_transactions.account_id', '=', accountId)
      .$if(txids !== undefined, (query) => query.where('chain_transactions.txid', 'in', txids ?? []))
      .$if(updatedAfter !== undefined, (query) => query.where('chain_transactions.updated_at', '>', updatedAfter ?? new Date(0)))
      .$if(scripts !== undefined, (query) =>
        query.where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('transaction_outputs')
                .select('transaction_outputs.txid')
                .whereRef('transaction_outputs.txid', '=', 'chain_transactions.txid')
                .where('transaction_outputs.script_pubkey', 'in', scripts ?? []),
            ),
            eb.exists(
              eb
                .selectFrom('transaction_inputs')
                .innerJoin('transaction_outputs', (join) =>
                  join
                    .onRef('transaction_outputs.txid', '=', 'transaction_inputs.previous_txid')
                    .onRef('transaction_outputs.vout', '=', 'transaction_inputs.previous_vout'),
                )
                .select('transaction_inputs.txid')
                .whereRef('transaction_inputs.txid', '=', 'chain_transactions.txid')
                .where('transaction_outputs.script_pubkey', 'in', scripts ?? []),
            ),
          ]),
        ),
      )
      .orderBy('chain_transactions.updated_at', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map(({ txid }) => txid);
  }

  /** The account's outputs that no live transaction spends, at `scripts` (all its addresses when unset). */
  async unspent(accountId: string, scripts: string[] | undefined) {
    if (scripts?.length === 0) return [];
    const rows = await this.db
      .selectFrom('transaction_outputs')
      .innerJoin('chain_transactions', 'chain_transactions.txid', 'transaction_outputs.txid')
      .select([
        'transaction_outputs.txid',
        'transaction_outputs.vout',
        'transaction_outputs.address',
        'transaction_outputs.script_pubkey',
        'transaction_outputs.value_sat',
        'chain_transactions.block_height',
        'chain_transactions.first_seen_at',
      ])
      .where('transaction_outputs.account_id', '=', accountId)
      .$if(scripts !== undefined, (query) => query.where('transaction_outputs.script_pubkey', 'in', scripts ?? []))
      .where('chain_transactions.state', 'in', LIVE_STATES)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('transaction_inputs')
              .innerJoin('chain_transactions as spender', 'spender.txid', 'transaction_inputs.txid')
              .select('transaction_inputs.txid')
              .whereRef('transaction_inputs.previous_txid', '=', 'transaction_outputs.txid')
              .whereRef('transaction_inputs.previous_vout', '=', 'transaction_outputs.vout')
              .where('spender.state', 'in', LIVE_STATES),
          ),
        ),
      )
      .execute();
    return rows.map((row) => ({ ...row, value_sat: Number(row.value_sat) }));
  }

  /** How many statuses are in each state now, for the dashboard. */
  async countByState(): Promise<{ state: string; count: number }[]> {
    const transactions = await this.db
      .selectFrom('chain_transactions')
      .select(['state', (eb) => eb.fn.countAll<string>().as('count')])
      .groupBy('state')
      .execute();
    const requests = await this.db
      .selectFrom('payment_requests')
      .select(['expired', (eb) => eb.fn.countAll<string>().as('count')])
      .where(unpaid)
      .groupBy('expired')
      .execute();
    return [
      ...transactions.map(({ state, count }) => ({ state, count: Number(count) })),
      ...requests.map(({ expired, count }) => ({ state: expired ? 'expired' : 'requested', count: Number(count) })),
    ];
  }
}

function sum(rows: { value_sat: string | number | bigint }[]): number {
  return rows.reduce((total, { value_sat }) => total + Number(value_sat), 0);
}

function requestInfo(row: RequestRow): payments.PaymentRequestInfo {
  return { address: row.address, amountSat: Number(row.amount_sat), expiresAtMs: row.expires_at.getTime() };
}
