import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { MailboxDatabase } from '../mailbox.database';

export interface NewEnvelope {
  accountId: string;
  deviceId: number;
  sourceAccount: string;
  serverGuid: Uint8Array;
  envelope: Uint8Array;
  expiresAt: Date;
}

export interface HoldingLimits {
  /** Envelopes one device may hold. */
  capacity: number;
  /** Envelopes one sender account may hold in one device's mailbox; the device's own account is exempt. */
  senderQuota: number;
}

/** What every mailbox holds together: how many envelopes, and when the oldest arrived. */
export interface Backlog {
  envelopes: number;
  oldestCreatedAt: Date | null;
}

export type InsertOutcome = 'stored' | 'duplicate' | 'full' | 'sender-quota';

export interface EnvelopeReference {
  sequence: number;
  /** Encoded size of the envelope. */
  bytes: number;
  /** The envelope itself when it is small enough to read with the listing; else null. */
  envelope: Uint8Array | null;
}

export interface StoredRow {
  sequence: number;
  envelope: Uint8Array;
}

interface Device {
  accountId: string;
  deviceId: number;
}

/**
 * Envelopes and the holdings counters that bound them. Every transaction that inserts or
 * deletes a device's envelopes first locks that device's `mailbox_holdings` row (several
 * devices in one order, see lockHoldings), and changes the counters in the same
 * transaction, so the counters are exact and the capacity checks cannot overshoot.
 */
@Injectable()
export class EnvelopesRepository {
  constructor(@InjectKysely() private readonly db: Kysely<MailboxDatabase>) {}

  /**
   * Commits a batch in one transaction. Each envelope, in order, is a duplicate when its
   * GUID is stored already (or earlier in the batch), else refused when its device holds
   * `capacity` or its sender holds `senderQuota` there, else stored.
   */
  insertMany(batch: NewEnvelope[], { capacity, senderQuota }: HoldingLimits): Promise<InsertOutcome[]> {
    return this.db.transaction().execute(async (trx) => {
      const deviceHeld = await lockHoldings(trx, batch);
      // Read after the locks, so that it sees every commit of the transactions that held them.
      const { senderHeld, stored } = await senderHoldingsAndStoredGuids(trx, batch);
      const outcomes = batch.map((row): InsertOutcome => {
        const guid = hex(row.serverGuid);
        if (stored.has(guid)) return 'duplicate';
        const device = deviceKey(row);
        const sender = senderKey(row);
        const exempt = row.sourceAccount === row.accountId;
        if ((deviceHeld.get(device) ?? 0) >= capacity) return 'full';
        if (!exempt && (senderHeld.get(sender) ?? 0) >= senderQuota) return 'sender-quota';
        stored.add(guid);
        deviceHeld.set(device, (deviceHeld.get(device) ?? 0) + 1);
        if (!exempt) senderHeld.set(sender, (senderHeld.get(sender) ?? 0) + 1);
        return 'stored';
      });
      const inserted = await insertHolding(
        trx,
        batch.filter((_, index) => outcomes[index] === 'stored'),
      );
      // Only a GUID already stored for another device can have been refused by the insert.
      return batch.map((row, index) =>
        outcomes[index] === 'stored' && !inserted.has(hex(row.serverGuid)) ? 'duplicate' : outcomes[index]!,
      );
    });
  }

  /**
   * The next unexpired envelopes after `afterSequence`: their sizes, and the bodies of
   * those no larger than `inlineBytes`, so a page of small envelopes takes one query
   * while the memory it holds stays bounded by `limit × inlineBytes`.
   */
  async listAfter(
    accountId: string,
    deviceId: number,
    { afterSequence, limit, inlineBytes }: { afterSequence: number; limit: number; inlineBytes: number },
    now: Date,
  ): Promise<EnvelopeReference[]> {
    const rows = await this.db
      .selectFrom('envelopes')
      // octet_length reads the stored length without fetching an out-of-line body.
      .select([
        'sequence',
        sql<number>`octet_length(envelope)`.as('bytes'),
        sql<Uint8Array | null>`case when octet_length(envelope) <= ${inlineBytes} then envelope end`.as('envelope'),
      ])
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .where('sequence', '>', String(afterSequence))
      .where('expires_at', '>', now)
      .orderBy('sequence')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ sequence: Number(row.sequence), bytes: Number(row.bytes), envelope: row.envelope }));
  }

  /** Bodies of the given envelopes, for those too large to list; those deleted meanwhile are absent. */
  async bodies(accountId: string, deviceId: number, sequences: number[]): Promise<StoredRow[]> {
    if (sequences.length === 0) return [];
    const rows = await this.db
      .selectFrom('envelopes')
      .select(['sequence', 'envelope'])
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .where('sequence', 'in', sequences.map(String))
      .orderBy('sequence')
      .execute();
    return rows.map((row) => ({ sequence: Number(row.sequence), envelope: row.envelope }));
  }

  /** Deletes acknowledged envelopes and releases what they held, in one statement; returns how many. */
  delete(accountId: string, deviceId: number, serverGuids: Uint8Array[]): Promise<number> {
    if (serverGuids.length === 0) return Promise.resolve(0);
    // The device's lock is taken (an InitPlan, evaluated before any envelope is touched)
    // before the delete, as every writer of its envelopes does.
    return deleteReleasing(
      this.db,
      sql`select sequence from envelopes
        where account_id = ${accountId} and device_id = ${deviceId}
          and server_guid = any(${serverGuids.map((guid) => Buffer.from(guid))}::bytea[])
          and exists (select from mailbox_holdings where account_id = ${accountId} and device_id = ${deviceId} for update)`,
    );
  }

  /**
   * Deletes everything held for a device that left its account: its envelopes and both
   * holdings counters, under the device's lock like every writer of its envelopes.
   * Returns how many envelopes went.
   */
  deleteDevice(accountId: string, deviceId: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await lockHoldings(trx, [{ accountId, deviceId }]);
      const deleted = await trx
        .deleteFrom('envelopes')
        .where('account_id', '=', accountId)
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      await trx.deleteFrom('sender_holdings').where('account_id', '=', accountId).where('device_id', '=', deviceId).execute();
      await trx.deleteFrom('mailbox_holdings').where('account_id', '=', accountId).where('device_id', '=', deviceId).execute();
      return Number(deleted.numDeletedRows);
    });
  }

  /** Deletes up to `limit` expired envelopes and releases what they held; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const expiring = await trx
        .selectFrom('envelopes')
        .select(['account_id as accountId', 'device_id as deviceId'])
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      if (expiring.length === 0) return 0;
      await lockHoldings(trx, expiring);
      // Only envelopes of the devices just locked: a device whose first envelope expired
      // since the select above waits for the next sweep.
      const accounts = expiring.map((row) => row.accountId);
      const devices = expiring.map((row) => row.deviceId);
      return deleteReleasing(
        trx,
        sql`select sequence from envelopes
          where expires_at <= ${now}
            and (account_id, device_id) in (select * from unnest(${accounts}::text[], ${devices}::int[]))
          order by expires_at limit ${limit}`,
      );
    });
  }

  /**
   * Forgets senders that hold nothing any more, so the table stays as small as what is
   * waiting. Rows a writer holds are skipped, never waited for.
   */
  async forgetIdleSenders(limit: number): Promise<number> {
    const result = await sql`delete from sender_holdings
      where (account_id, device_id, source_account) in (
        select account_id, device_id, source_account from sender_holdings where held = 0 limit ${limit} for update skip locked)`.execute(
      this.db,
    );
    return Number(result.numAffectedRows ?? 0);
  }

  /** Across all devices, for the depth gauges: a sum over one row per device, and the first row by sequence. */
  async backlog(): Promise<Backlog> {
    const { envelopes } = await this.db
      .selectFrom('mailbox_holdings')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('held'), sql<string>`0`).as('envelopes'))
      .executeTakeFirstOrThrow();
    const oldest = await this.db.selectFrom('envelopes').select('created_at').orderBy('sequence').limit(1).executeTakeFirst();
    return { envelopes: Number(envelopes), oldestCreatedAt: oldest?.created_at ?? null };
  }
}

/**
 * Locks the holdings rows of the given devices, creating missing ones, and returns what
 * each holds. Rows are locked in one global order (the order of the VALUES list, sorted
 * here), so two transactions locking overlapping devices cannot deadlock.
 */
async function lockHoldings(trx: Transaction<MailboxDatabase>, devices: Device[]): Promise<Map<string, number>> {
  const unique = new Map(devices.map((device) => [deviceKey(device), device]));
  const sorted = [...unique.keys()].sort();
  const rows = await trx
    .insertInto('mailbox_holdings')
    .values(sorted.map((key) => ({ account_id: unique.get(key)!.accountId, device_id: unique.get(key)!.deviceId, held: 0 })))
    // A no-op update, for its row lock and for the latest committed count.
    .onConflict((conflict) =>
      conflict.columns(['account_id', 'device_id']).doUpdateSet((eb) => ({ held: eb.ref('mailbox_holdings.held') })),
    )
    .returning(['account_id', 'device_id', 'held'])
    .execute();
  return new Map(rows.map((row) => [deviceKey({ accountId: row.account_id, deviceId: row.device_id }), row.held]));
}

/** What the batch's senders hold in its devices, and which of its GUIDs are stored already, in one read. */
async function senderHoldingsAndStoredGuids(
  trx: Transaction<MailboxDatabase>,
  batch: NewEnvelope[],
): Promise<{ senderHeld: Map<string, number>; stored: Set<string> }> {
  const { rows } = await sql<{
    account_id: string | null;
    device_id: number | null;
    source_account: string | null;
    held: number | null;
    server_guid: Uint8Array | null;
  }>`
    select account_id, device_id, source_account, held, null::bytea as server_guid from sender_holdings
    where (account_id, device_id, source_account) in (
      select * from unnest(${batch.map((row) => row.accountId)}::text[], ${batch.map((row) => row.deviceId)}::int[], ${batch.map((row) => row.sourceAccount)}::text[]))
    union all
    select null, null, null, null, server_guid from envelopes where server_guid = any(${batch.map((row) => Buffer.from(row.serverGuid))}::bytea[])`.execute(
    trx,
  );
  const senderHeld = new Map<string, number>();
  const stored = new Set<string>();
  for (const row of rows) {
    if (row.server_guid !== null) stored.add(hex(row.server_guid));
    else senderHeld.set(senderKey({ accountId: row.account_id!, deviceId: row.device_id!, sourceAccount: row.source_account! }), row.held!);
  }
  return { senderHeld, stored };
}

/** Inserts the envelopes and adds them to their devices' and senders' holdings, in one statement; returns the GUIDs inserted. */
async function insertHolding(trx: Transaction<MailboxDatabase>, rows: NewEnvelope[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  // unnest keeps the batch's order, so sequences follow arrival order.
  const inserted = await sql<{ server_guid: Uint8Array }>`with inserted as (
      insert into envelopes (server_guid, account_id, device_id, source_account, envelope, expires_at)
      select * from unnest(
        ${rows.map((row) => Buffer.from(row.serverGuid))}::bytea[], ${rows.map((row) => row.accountId)}::text[],
        ${rows.map((row) => row.deviceId)}::int[], ${rows.map((row) => row.sourceAccount)}::text[],
        ${rows.map((row) => Buffer.from(row.envelope))}::bytea[], ${rows.map((row) => row.expiresAt)}::timestamptz[])
      on conflict (server_guid) do nothing
      returning server_guid, account_id, device_id, source_account
    ), devices as (
      update mailbox_holdings h set held = h.held + d.n
      from (select account_id, device_id, count(*)::int as n from inserted group by account_id, device_id) d
      where h.account_id = d.account_id and h.device_id = d.device_id
    ), senders as (
      insert into sender_holdings (account_id, device_id, source_account, held)
      select account_id, device_id, source_account, count(*)::int from inserted
      where source_account <> account_id
      group by account_id, device_id, source_account
      on conflict (account_id, device_id, source_account) do update set held = sender_holdings.held + excluded.held
    )
    select server_guid from inserted`.execute(trx);
  return new Set(inserted.rows.map((row) => hex(row.server_guid)));
}

/**
 * Deletes the envelopes `sequences` selects and takes them off their devices' and
 * senders' holdings, in one statement; the caller holds those devices' locks, or
 * `sequences` takes them.
 */
async function deleteReleasing(db: Kysely<MailboxDatabase>, sequences: RawBuilder<unknown>): Promise<number> {
  const result = await sql<{ deleted: number }>`with deleted as (
      delete from envelopes where sequence in (${sequences}) returning account_id, device_id, source_account
    ), devices as (
      update mailbox_holdings h set held = h.held - d.n
      from (select account_id, device_id, count(*)::int as n from deleted group by account_id, device_id) d
      where h.account_id = d.account_id and h.device_id = d.device_id
    ), senders as (
      update sender_holdings h set held = h.held - s.n
      from (select account_id, device_id, source_account, count(*)::int as n from deleted
            where source_account <> account_id group by account_id, device_id, source_account) s
      where h.account_id = s.account_id and h.device_id = s.device_id and h.source_account = s.source_account
    )
    select count(*)::int as deleted from deleted`.execute(db);
  return result.rows[0]?.deleted ?? 0;
}

function deviceKey({ accountId, deviceId }: Device): string {
  return JSON.stringify([accountId, deviceId]);
}

function senderKey({ accountId, deviceId, sourceAccount }: Device & { sourceAccount: string }): string {
  return JSON.stringify([accountId, deviceId, sourceAccount]);
}

function hex(guid: Uint8Array): string {
  return Buffer.from(guid).toString('hex');
}
