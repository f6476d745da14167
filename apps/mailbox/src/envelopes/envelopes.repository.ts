import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { MailboxDatabase } from '../mailbox.database';

export interface NewEnvelope {
  serverGuid: Uint8Array;
  envelope: Uint8Array;
  expiresAt: Date;
}

/** What every mailbox holds together: how many envelopes, and when the oldest arrived. */
export interface Backlog {
  envelopes: number;
  oldestCreatedAt: Date | null;
}

export type InsertOutcome = 'stored' | 'duplicate' | 'full';

export interface EnvelopeReference {
  sequence: number;
  serverGuid: Uint8Array;
}

@Injectable()
export class EnvelopesRepository {
  constructor(@InjectKysely() private readonly db: Kysely<MailboxDatabase>) {}

  /** Commits an envelope unless its GUID is already stored or the mailbox holds `capacity`. */
  insert(accountId: string, deviceId: number, { serverGuid, envelope, expiresAt }: NewEnvelope, capacity: number): Promise<InsertOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('envelopes').select('sequence').where('server_guid', '=', serverGuid).executeTakeFirst();
      if (existing !== undefined) return 'duplicate';
      // Counting stops at the cap, so a full mailbox costs no more than a nearly full one.
      const { held } = await trx
        .selectFrom((eb) =>
          eb
            .selectFrom('envelopes')
            .select('sequence')
            .where('account_id', '=', accountId)
            .where('device_id', '=', deviceId)
            .limit(capacity)
            .as('held_rows'),
        )
        .select((eb) => eb.fn.countAll<string>().as('held'))
        .executeTakeFirstOrThrow();
      if (Number(held) >= capacity) return 'full';
      const inserted = await trx
        .insertInto('envelopes')
        .values({ server_guid: serverGuid, account_id: accountId, device_id: deviceId, envelope, expires_at: expiresAt })
        .onConflict((conflict) => conflict.column('server_guid').doNothing())
        .returning('sequence')
        .executeTakeFirst();
      return inserted === undefined ? 'duplicate' : 'stored';
    });
  }

  /** The next page of unexpired envelopes after `afterSequence`, without their bodies. */
  async listAfter(accountId: string, deviceId: number, afterSequence: number, limit: number, now: Date): Promise<EnvelopeReference[]> {
    const rows = await this.db
      .selectFrom('envelopes')
      .select(['sequence', 'server_guid'])
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .where('sequence', '>', String(afterSequence))
      .where('expires_at', '>', now)
      .orderBy('sequence')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ sequence: Number(row.sequence), serverGuid: row.server_guid }));
  }

  /** Bodies of the given envelopes, for those the cache no longer holds. */
  async bodies(accountId: string, deviceId: number, serverGuids: Uint8Array[]): Promise<Map<string, Uint8Array>> {
    if (serverGuids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('envelopes')
      .select(['server_guid', 'envelope'])
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .where('server_guid', 'in', serverGuids)
      .execute();
    return new Map(rows.map((row) => [Buffer.from(row.server_guid).toString('hex'), row.envelope]));
  }

  async delete(accountId: string, deviceId: number, serverGuids: Uint8Array[]): Promise<number> {
    if (serverGuids.length === 0) return 0;
    const result = await this.db
      .deleteFrom('envelopes')
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .where('server_guid', 'in', serverGuids)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Across all devices, for the depth gauges; a full scan, so called once a scrape rather than per request. */
  async backlog(): Promise<Backlog> {
    const row = await this.db
      .selectFrom('envelopes')
      .select((eb) => [eb.fn.countAll<string>().as('envelopes'), eb.fn.min('created_at').as('oldest_created_at')])
      .executeTakeFirstOrThrow();
    return { envelopes: Number(row.envelopes), oldestCreatedAt: row.oldest_created_at };
  }

  /** Deletes up to `limit` expired envelopes and returns their GUIDs. */
  async deleteExpired(now: Date, limit: number): Promise<Uint8Array[]> {
    const rows = await this.db
      .deleteFrom('envelopes')
      .where('sequence', 'in', (eb) => eb.selectFrom('envelopes').select('sequence').where('expires_at', '<=', now).limit(limit))
      .returning('server_guid')
      .execute();
    return rows.map((row) => row.server_guid);
  }
}
