import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { PaymentsDatabase } from '../payments.database';
import { unpaid } from './tracked-transactions.repository';

/** Blocks the watcher remembers below its tip, enough to find the fork of any likely reorganisation. */
const REMEMBERED_BLOCKS = 1_000;

/** The leases in watcher_lease: one follower of each chain holds its own. */
export const LEASES = { bitcoin: 1, xbtc: 2 } as const;

/** The watcher's own state: its view of the recent best chain, its lease, and lapsing payment requests. */
@Injectable()
export class WatcherRepository {
  constructor(@InjectKysely() private readonly db: Kysely<PaymentsDatabase>) {}

  async tip(): Promise<{ height: number; hash: string } | undefined> {
    return this.db.selectFrom('watcher_blocks').select(['height', 'hash']).orderBy('height', 'desc').limit(1).executeTakeFirst();
  }

  async hashAt(height: number): Promise<string | undefined> {
    return (await this.db.selectFrom('watcher_blocks').select('hash').where('height', '=', height).executeTakeFirst())?.hash;
  }

  async lowestHeight(): Promise<number | undefined> {
    return (
      (
        await this.db
          .selectFrom('watcher_blocks')
          .select((eb) => eb.fn.min<number>('height').as('lowest'))
          .executeTakeFirst()
      )?.lowest ?? undefined
    );
  }

  async saveBlock(height: number, hash: string): Promise<void> {
    await this.db
      .insertInto('watcher_blocks')
      .values({ height, hash })
      .onConflict((conflict) => conflict.column('height').doUpdateSet({ hash }))
      .execute();
    await this.db
      .deleteFrom('watcher_blocks')
      .where('height', '<=', height - REMEMBERED_BLOCKS)
      .execute();
  }

  /**
   * Takes or extends the lease that lets one replica follow the chain; true while this one
   * holds it. A replica that dies lets it lapse after `ttlMs`, and another takes over.
   */
  async holdLease(holder: string, ttlMs: number, now: Date, lease: keyof typeof LEASES = 'bitcoin'): Promise<boolean> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    const row = await this.db
      .insertInto('watcher_lease')
      .values({ id: LEASES[lease], holder, expires_at: expiresAt })
      .onConflict((conflict) =>
        conflict
          .column('id')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('watcher_lease.holder', '=', holder), eb('watcher_lease.expires_at', '<', now)])),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async releaseLease(holder: string): Promise<void> {
    await this.db.deleteFrom('watcher_lease').where('holder', '=', holder).execute();
  }

  /** Marks unpaid requests past their expiry as expired; returns them. A request paid by a live transaction never expires. */
  expireRequests(now: Date): Promise<{ account_id: string; script_pubkey: string }[]> {
    return this.db
      .updateTable('payment_requests')
      .set({ expired: true, updated_at: now })
      .where('expired', '=', false)
      .where('expires_at', '<=', now)
      .where(unpaid)
      .returning(['account_id', 'script_pubkey'])
      .execute();
  }
}
