import type { ChainTransaction } from '@coming/chain';
import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import type { PaymentsDatabase, TransactionState } from '../payments.database';

/** Where a transaction was seen. */
export type Placement = { kind: 'block'; height: number; hash: string } | { kind: 'mempool' } | { kind: 'broadcast'; accountId: string };

/** States in which a transaction still counts: its outputs exist, its inputs are taken. */
export const LIVE_STATES: readonly TransactionState[] = ['broadcast', 'in_mempool', 'confirmed'];

type Db = Kysely<PaymentsDatabase> | Transaction<PaymentsDatabase>;

/** A payment request no live transaction pays: still REQUESTED, or EXPIRED once past its expiry. */
export function unpaid(eb: ExpressionBuilder<PaymentsDatabase, 'payment_requests'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('transaction_outputs')
        .innerJoin('chain_transactions', 'chain_transactions.txid', 'transaction_outputs.txid')
        .select('transaction_outputs.txid')
        .whereRef('transaction_outputs.script_pubkey', '=', 'payment_requests.script_pubkey')
        .where('chain_transactions.state', 'in', LIVE_STATES),
    ),
  );
}

/** Txids whose status changed, for the events that follow the commit. */
export type Changed = Set<string>;

/**
 * The transactions the watcher tracks: those that pay a watched address, spend a tracked
 * output, were broadcast by an account, or conflict with one of these. Every write says which
 * statuses changed, so that each change is published once it is committed.
 */
@Injectable()
export class TrackedTransactionsRepository {
  constructor(@InjectKysely() private readonly db: Kysely<PaymentsDatabase>) {}

  /** Records what concerns an account among `transactions`, seen at `placement`. */
  track(transactions: ChainTransaction[], placement: Placement, now: Date): Promise<Changed> {
    if (transactions.length === 0) return Promise.resolve(new Set());
    return this.db.transaction().execute(async (trx) => {
      const changed: Changed = new Set();
      const context = await relevanceContext(trx, transactions);
      for (const transaction of transactions) {
        const concerns = accountsConcerned(transaction, context);
        if (placement.kind === 'broadcast') concerns.accounts.add(placement.accountId);
        if (concerns.accounts.size === 0 && !context.known.has(transaction.txid)) continue;
        if (await upsert(trx, transaction, placement, now)) changed.add(transaction.txid);
        if (await record(trx, transaction, concerns)) {
          await trx.updateTable('chain_transactions').set({ updated_at: now }).where('txid', '=', transaction.txid).execute();
          changed.add(transaction.txid);
        }
        // Tracked from now on, for the rest of this batch too (a chain of payments in one block).
        context.known.add(transaction.txid);
        for (const output of concerns.outputs) context.trackedOutputs.set(outpoint(transaction.txid, output.vout), output.accountId);
        // Whatever the node holds now (in a block, its mempool, or just accepted from a
        // broadcast) took the place of what spent the same outputs before it.
        for (const conflict of concerns.conflicts) {
          const replaced = await trx
            .updateTable('chain_transactions')
            .set({
              state: 'replaced',
              replaced_by: transaction.txid,
              block_height: null,
              block_hash: null,
              confirmations: 0,
              updated_at: now,
            })
            .where('txid', '=', conflict)
            .where('state', 'in', ['broadcast', 'in_mempool', 'dropped'])
            .executeTakeFirst();
          if (replaced.numUpdatedRows > 0n) changed.add(conflict);
        }
      }
      return changed;
    });
  }

  /** Confirmed transactions above `height` go back to the mempool: their blocks left the best chain. */
  async disconnectAbove(height: number, now: Date): Promise<Changed> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable('chain_transactions')
        .set({ state: 'in_mempool', block_height: null, block_hash: null, confirmations: 0, updated_at: now })
        .where('state', '=', 'confirmed')
        .where('block_height', '>', height)
        .returning('txid')
        .execute();
      await trx.deleteFrom('watcher_blocks').where('height', '>', height).execute();
      return new Set(rows.map(({ txid }) => txid));
    });
  }

  /** Counts confirmations up to `depth` against the new tip. */
  async updateConfirmations(tipHeight: number, depth: number, now: Date): Promise<Changed> {
    const counted = sql<number>`least(${depth}, ${tipHeight} - block_height + 1)`;
    const rows = await this.db
      .updateTable('chain_transactions')
      .set({ confirmations: counted, updated_at: now })
      .where('state', '=', 'confirmed')
      .where('confirmations', '<', depth)
      .where('confirmations', '<>', counted)
      .returning('txid')
      .execute();
    return new Set(rows.map(({ txid }) => txid));
  }

  /** Tracked transactions not (or no longer) in a block, with what a rebroadcast needs. */
  unconfirmed(): Promise<{ txid: string; state: TransactionState; raw: string }[]> {
    return this.db
      .selectFrom('chain_transactions')
      .select(['txid', 'state', 'raw'])
      .where('state', 'in', ['broadcast', 'in_mempool', 'dropped'])
      .execute();
  }

  /** Moves an unconfirmed transaction to `state`; true when that was a change. */
  async setUnconfirmedState(txid: string, state: 'in_mempool' | 'dropped', now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('chain_transactions')
      .set({ state, replaced_by: null, updated_at: now })
      .where('txid', '=', txid)
      .where('state', 'in', ['broadcast', 'in_mempool', 'dropped'])
      .where('state', '<>', state)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The accounts each of these transactions concerns: whom its status changes are told to. */
  async accountsOf(txids: string[]): Promise<Map<string, string[]>> {
    const accounts = new Map<string, string[]>();
    if (txids.length === 0) return accounts;
    const rows = await this.db.selectFrom('account_transactions').select(['txid', 'account_id']).where('txid', 'in', txids).execute();
    for (const { txid, account_id } of rows) accounts.set(txid, [...(accounts.get(txid) ?? []), account_id]);
    return accounts;
  }

  /** The state a transaction has, if tracked. */
  async stateOf(txid: string): Promise<TransactionState | undefined> {
    const row = await this.db.selectFrom('chain_transactions').select('state').where('txid', '=', txid).executeTakeFirst();
    return row?.state;
  }
}

interface RelevanceContext {
  /** Watched scripts among the batch's outputs, with their account and address. */
  watched: Map<string, { accountId: string; address: string }>;
  /** Tracked outputs the batch spends ("txid:vout"), with their account. */
  trackedOutputs: Map<string, string>;
  /** Tracked transactions that spend the same outputs as the batch does ("txid:vout" → spenders). */
  spenders: Map<string, string[]>;
  /** Accounts each conflicting transaction concerns. */
  conflictAccounts: Map<string, string[]>;
  known: Set<string>;
}

interface Concerns {
  accounts: Set<string>;
  outputs: { vout: number; scriptPubKey: string; valueSat: number; accountId: string; address: string }[];
  conflicts: string[];
}

const outpoint = (txid: string, vout: number) => `${txid}:${vout}`;

/** Looks up, in a few queries for the whole batch, what makes any of its transactions ours. */
async function relevanceContext(db: Db, transactions: ChainTransaction[]): Promise<RelevanceContext> {
  const scripts = [...new Set(transactions.flatMap(({ outputs }) => outputs.map(({ scriptPubKey }) => scriptPubKey)))];
  const previousTxids = [...new Set(transactions.flatMap(({ inputs }) => inputs.map(({ txid }) => txid)))];
  const txids = transactions.map(({ txid }) => txid);
  const [watchedRows, outputRows, spenderRows, knownRows] = await Promise.all([
    scripts.length === 0
      ? []
      : db
          .selectFrom('watched_addresses')
          .select(['script_pubkey', 'account_id', 'address'])
          .where('script_pubkey', 'in', scripts)
          .execute(),
    previousTxids.length === 0
      ? []
      : db.selectFrom('transaction_outputs').select(['txid', 'vout', 'account_id']).where('txid', 'in', previousTxids).execute(),
    previousTxids.length === 0
      ? []
      : db
          .selectFrom('transaction_inputs')
          .select(['txid', 'previous_txid', 'previous_vout'])
          .where('previous_txid', 'in', previousTxids)
          .execute(),
    db.selectFrom('chain_transactions').select('txid').where('txid', 'in', txids).execute(),
  ]);
  const spenders = new Map<string, string[]>();
  for (const row of spenderRows) {
    const key = outpoint(row.previous_txid, row.previous_vout);
    spenders.set(key, [...(spenders.get(key) ?? []), row.txid]);
  }
  const conflicting = [...new Set(spenderRows.map(({ txid }) => txid))];
  const conflictAccounts = new Map<string, string[]>();
  if (conflicting.length > 0) {
    const rows = await db.selectFrom('account_transactions').select(['txid', 'account_id']).where('txid', 'in', conflicting).execute();
    for (const { txid, account_id } of rows) conflictAccounts.set(txid, [...(conflictAccounts.get(txid) ?? []), account_id]);
  }
  return {
    watched: new Map(watchedRows.map((row) => [row.script_pubkey, { accountId: row.account_id, address: row.address }])),
    trackedOutputs: new Map(outputRows.map((row) => [outpoint(row.txid, row.vout), row.account_id])),
    spenders,
    conflictAccounts,
    known: new Set(knownRows.map(({ txid }) => txid)),
  };
}

function accountsConcerned(transaction: ChainTransaction, context: RelevanceContext): Concerns {
  const accounts = new Set<string>();
  const outputs: Concerns['outputs'] = [];
  for (const output of transaction.outputs) {
    const watched = context.watched.get(output.scriptPubKey);
    if (watched === undefined) continue;
    accounts.add(watched.accountId);
    outputs.push({ ...output, ...watched });
  }
  const conflicts = new Set<string>();
  for (const input of transaction.inputs) {
    const key = outpoint(input.txid, input.vout);
    const owner = context.trackedOutputs.get(key);
    if (owner !== undefined) accounts.add(owner);
    for (const spender of context.spenders.get(key) ?? []) {
      if (spender === transaction.txid) continue;
      conflicts.add(spender);
      for (const accountId of context.conflictAccounts.get(spender) ?? []) accounts.add(accountId);
    }
  }
  return { accounts, outputs, conflicts: [...conflicts] };
}

/** Inserts or moves the transaction to where it was seen; true when its status changed. */
async function upsert(trx: Db, transaction: ChainTransaction, placement: Placement, now: Date): Promise<boolean> {
  const target =
    placement.kind === 'block'
      ? { state: 'confirmed' as const, block_height: placement.height, block_hash: placement.hash }
      : { state: placement.kind === 'broadcast' ? ('broadcast' as const) : ('in_mempool' as const), block_height: null, block_hash: null };
  // A broadcast and the watcher's pass can meet on a new transaction: a lock taken by a select
  // cannot cover a row not there yet, and both inserting, one failed on the key (INTERNAL).
  // The insert that loses waits for the other to commit, then moves the row like any other.
  const inserted = await trx
    .insertInto('chain_transactions')
    .values({ txid: transaction.txid, raw: transaction.raw, ...target, replaced_by: null, first_seen_at: now, updated_at: now })
    .onConflict((conflict) => conflict.column('txid').doNothing())
    .returning('txid')
    .executeTakeFirst();
  if (inserted !== undefined) return true;
  const existing = await trx
    .selectFrom('chain_transactions')
    .select(['state', 'block_hash'])
    .where('txid', '=', transaction.txid)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const moves =
    placement.kind === 'block'
      ? existing.block_hash !== placement.hash
      : // A broadcast never moves a transaction back; the mempool only revives one that was not in a block.
        placement.kind === 'mempool' && existing.state !== 'confirmed' && existing.state !== 'in_mempool';
  if (!moves) return false;
  await trx
    .updateTable('chain_transactions')
    .set({ ...target, confirmations: 0, replaced_by: null, updated_at: now })
    .where('txid', '=', transaction.txid)
    .execute();
  return true;
}

/** Its inputs, its outputs to watched addresses, and the accounts it concerns; true when an account is newly concerned. */
async function record(trx: Db, transaction: ChainTransaction, concerns: Concerns): Promise<boolean> {
  if (transaction.inputs.length > 0) {
    await trx
      .insertInto('transaction_inputs')
      .values(
        transaction.inputs.map((input, vin) => ({ txid: transaction.txid, vin, previous_txid: input.txid, previous_vout: input.vout })),
      )
      .onConflict((conflict) => conflict.columns(['txid', 'vin']).doNothing())
      .execute();
  }
  if (concerns.outputs.length > 0) {
    await trx
      .insertInto('transaction_outputs')
      .values(
        concerns.outputs.map(({ vout, scriptPubKey, valueSat, accountId, address }) => ({
          txid: transaction.txid,
          vout,
          account_id: accountId,
          script_pubkey: scriptPubKey,
          address,
          value_sat: valueSat,
        })),
      )
      .onConflict((conflict) => conflict.columns(['txid', 'vout']).doNothing())
      .execute();
  }
  if (concerns.accounts.size === 0) return false;
  const linked = await trx
    .insertInto('account_transactions')
    .values([...concerns.accounts].map((accountId) => ({ account_id: accountId, txid: transaction.txid })))
    .onConflict((conflict) => conflict.columns(['account_id', 'txid']).doNothing())
    .returning('account_id')
    .execute();
  return linked.length > 0;
}
