import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { PaymentsDatabase, XbtcTransferState } from '../payments.database';

export type XbtcTransferRow = Selectable<PaymentsDatabase['xbtc_transfers']>;
export type NewRelayedTransfer = Omit<Insertable<PaymentsDatabase['xbtc_transfers']>, 'created_at' | 'updated_at'>;
/** What a pass or a relay changes in a transfer; updated_at is set from the clock. */
export type TransferChange = Omit<Updateable<PaymentsDatabase['xbtc_transfers']>, 'updated_at'>;

/** A Transfer log from or to a watched address. */
export interface FollowedLog {
  txHash: string;
  logIndex: number;
  from: string;
  to: string;
  valueSat: number;
  blockNumber: number;
  blockHash: string;
}

/** Blocks remembered below the newest, enough to find the fork of any likely reorganisation. */
const REMEMBERED_BLOCKS = 1_000;

/** States in which a transfer may still move forward without a reorganisation. */
const OPEN_STATES: XbtcTransferState[] = ['broadcast', 'in_mempool'];

/** X-BTC transfers, relayed or followed, and the follower's view of recent blocks. */
@Injectable()
export class XbtcTransfersRepository {
  constructor(@InjectKysely() private readonly db: Kysely<PaymentsDatabase>) {}

  byAuthorization(from: string, nonce: string): Promise<XbtcTransferRow | undefined> {
    return this.db.selectFrom('xbtc_transfers').selectAll().where('from_address', '=', from).where('nonce', '=', nonce).executeTakeFirst();
  }

  /** Records a relayed authorization; undefined when the same (from, nonce) was recorded first by another request. */
  async insertRelayed(transfer: NewRelayedTransfer, now: Date): Promise<XbtcTransferRow | undefined> {
    return this.db
      .insertInto('xbtc_transfers')
      .values({ ...transfer, created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.columns(['from_address', 'nonce']).where('nonce', 'is not', null).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** Applies a change; true when something the status shows differs from before. */
  async change(id: XbtcTransferRow['id'], change: TransferChange, now: Date): Promise<boolean> {
    const before = await this.db.selectFrom('xbtc_transfers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const differs = Object.entries(change).some(([column, value]) => String(before[column as keyof XbtcTransferRow]) !== String(value));
    if (!differs) return false;
    await this.db
      .updateTable('xbtc_transfers')
      .set({ ...change, updated_at: now })
      .where('id', '=', id)
      .execute();
    return true;
  }

  /**
   * Claims, until `until`, the sending of a relayed transfer not yet sent; false when it was
   * sent, or another submitter's claim still holds. The relay that records a transfer holds
   * the first claim from its insert.
   */
  async claimSubmission(id: XbtcTransferRow['id'], now: Date, until: Date): Promise<boolean> {
    const claimed = await this.db
      .updateTable('xbtc_transfers')
      .set({ submitting_until: until })
      .where('id', '=', id)
      .where('tx_hash', 'is', null)
      .where((eb) => eb.or([eb('submitting_until', 'is', null), eb('submitting_until', '<', now)]))
      .returning('id')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  /** Marks the fee of a transfer counted; false when it was already (a transfer mined again after a reorganisation). */
  async countFeeOnce(id: XbtcTransferRow['id']): Promise<boolean> {
    const marked = await this.db
      .updateTable('xbtc_transfers')
      .set({ fee_counted: true })
      .where('id', '=', id)
      .where('fee_counted', '=', false)
      .returning('id')
      .executeTakeFirst();
    return marked !== undefined;
  }

  /** Relayed transfers not yet mined (or waiting for gas): what each pass settles. */
  openRelayed(): Promise<XbtcTransferRow[]> {
    return this.db
      .selectFrom('xbtc_transfers')
      .selectAll()
      .where('nonce', 'is not', null)
      .where('state', 'in', OPEN_STATES)
      .orderBy('id')
      .execute();
  }

  /** Value + fee of the transfers relayed from `from` that are not mined yet. */
  async pendingOut(from: string): Promise<number> {
    const { total } = await this.db
      .selectFrom('xbtc_transfers')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string>(eb('value_sat', '+', eb.ref('fee_sat'))), eb.lit(0)).as('total'))
      .where('from_address', '=', from)
      .where('nonce', 'is not', null)
      .where('state', 'in', OPEN_STATES)
      .executeTakeFirstOrThrow();
    return Number(total);
  }

  /** Of these transaction hashes, those of transfers relayed here (their logs are theirs, not followed ones). */
  async relayedHashes(hashes: string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('xbtc_transfers')
      .select('tx_hash')
      .where('tx_hash', 'in', hashes)
      .where('nonce', 'is not', null)
      .execute();
    return new Set(rows.map(({ tx_hash }) => tx_hash ?? ''));
  }

  /** Records followed logs as confirmed in their block (again, after a reorganisation); returns the ids that changed. */
  async recordLogs(logs: FollowedLog[], now: Date): Promise<XbtcTransferRow['id'][]> {
    const changed: XbtcTransferRow['id'][] = [];
    for (const log of logs) {
      const row = await this.db
        .insertInto('xbtc_transfers')
        .values({
          from_address: log.from,
          to_address: log.to,
          value_sat: log.valueSat,
          fee_sat: 0,
          tx_hash: log.txHash,
          log_index: log.logIndex,
          state: 'confirmed',
          block_number: log.blockNumber,
          block_hash: log.blockHash,
          confirmations: 0,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['tx_hash', 'log_index'])
            .where('log_index', 'is not', null)
            .doUpdateSet({ state: 'confirmed', reason: '', block_number: log.blockNumber, block_hash: log.blockHash, updated_at: now })
            .where('xbtc_transfers.block_hash', 'is distinct from', log.blockHash),
        )
        .returning('id')
        .executeTakeFirst();
      if (row !== undefined) changed.push(row.id);
    }
    return changed;
  }

  /** Sends every transfer mined above `number` back to pending: their blocks left the best chain. */
  async disconnectAbove(number: number, now: Date): Promise<XbtcTransferRow['id'][]> {
    const rows = await this.db
      .updateTable('xbtc_transfers')
      .set({
        state: 'in_mempool',
        block_number: null,
        block_hash: null,
        confirmations: 0,
        reason: 'its block left the best chain',
        updated_at: now,
      })
      .where('block_number', '>', number)
      .returning('id')
      .execute();
    await this.db.deleteFrom('xbtc_blocks').where('number', '>', number).execute();
    return rows.map(({ id }) => id);
  }

  /** Counts confirmations of mined transfers up to `depth`; returns the ids that changed. */
  async updateConfirmations(tip: number, depth: number, now: Date): Promise<XbtcTransferRow['id'][]> {
    // At least 1: a receipt may show a block newer than the tip read at the start of the pass.
    const counted = sql<number>`greatest(1, least(${depth}, ${tip + 1} - block_number))::integer`;
    const rows = await this.db
      .updateTable('xbtc_transfers')
      .set({ confirmations: counted, updated_at: now })
      .where('state', '=', 'confirmed')
      .where('confirmations', '<', depth)
      .where(sql<boolean>`${counted} <> confirmations`)
      .returning('id')
      .execute();
    return rows.map(({ id }) => id);
  }

  /** The blocks the follower remembers, newest first. */
  blocks(): Promise<{ number: number; hash: string }[]> {
    return this.db
      .selectFrom('xbtc_blocks')
      .select(['number', 'hash'])
      .orderBy('number', 'desc')
      .execute()
      .then((rows) => rows.map(({ number, hash }) => ({ number: Number(number), hash })));
  }

  async saveBlock(number: number, hash: string): Promise<void> {
    await this.db
      .insertInto('xbtc_blocks')
      .values({ number, hash })
      .onConflict((conflict) => conflict.column('number').doUpdateSet({ hash }))
      .execute();
    await this.db
      .deleteFrom('xbtc_blocks')
      .where('number', '<=', number - REMEMBERED_BLOCKS)
      .execute();
  }

  byIds(ids: XbtcTransferRow['id'][]): Promise<XbtcTransferRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('xbtc_transfers').selectAll().where('id', 'in', ids).execute();
  }

  /** The accounts a transfer concerns: the one that relayed it, and those watching its sender or payee. */
  async accountsOf(transfer: XbtcTransferRow): Promise<string[]> {
    const watchers = await this.db
      .selectFrom('xbtc_watched_addresses')
      .select('account_id')
      .where('address', 'in', [transfer.from_address, transfer.to_address])
      .execute();
    return [...new Set([...(transfer.account_id === null ? [] : [transfer.account_id]), ...watchers.map(({ account_id }) => account_id)])];
  }

  /** The account's transfers with these hashes, and those from or to these addresses (newest change first). */
  ofAccount(accountId: string, hashes: string[], addresses: string[], limit: number): Promise<XbtcTransferRow[]> {
    return this.db
      .selectFrom('xbtc_transfers')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...(hashes.length > 0
            ? [
                eb.and([
                  eb('tx_hash', 'in', hashes),
                  eb.or([
                    eb('account_id', '=', accountId),
                    eb.exists(
                      eb
                        .selectFrom('xbtc_watched_addresses')
                        .select('address')
                        .where('xbtc_watched_addresses.account_id', '=', accountId)
                        .where((inner) =>
                          inner.or([
                            inner('xbtc_watched_addresses.address', '=', inner.ref('xbtc_transfers.from_address')),
                            inner('xbtc_watched_addresses.address', '=', inner.ref('xbtc_transfers.to_address')),
                          ]),
                        ),
                    ),
                  ]),
                ]),
              ]
            : []),
          ...(addresses.length > 0 ? [eb('from_address', 'in', addresses), eb('to_address', 'in', addresses)] : []),
        ]),
      )
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
