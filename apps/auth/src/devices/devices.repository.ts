import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../auth.database';

export type RemovalReason = AuthDatabase['removed_devices']['reason'];

export interface DeviceRow {
  deviceId: number;
  encryptedName: Uint8Array | null;
  createdAt: Date;
  lastSeenAt: Date;
  linked: boolean;
  ready: boolean;
}

export interface RemovedDeviceRow {
  accountId: string;
  deviceId: number;
  reason: RemovalReason;
  removedAt: Date;
}

export type PurgingService = 'mailbox' | 'keys';

/** Devices as their account's devices manage them: listing, names, removal, expiry and purge bookkeeping. */
@Injectable()
export class DevicesRepository {
  constructor(@InjectKysely() private readonly db: Kysely<AuthDatabase>) {}

  async list(accountId: string): Promise<DeviceRow[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select(['device_id', 'encrypted_name', 'created_at', 'last_seen_at', 'device_public_key', 'ready_at'])
      .where('account_id', '=', accountId)
      .orderBy('device_id')
      .execute();
    return rows.map((row) => ({
      deviceId: row.device_id,
      encryptedName: row.encrypted_name,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      linked: row.device_public_key !== null,
      ready: row.ready_at !== null,
    }));
  }

  /** Devices that left the account since `since`, newest first. */
  async removedSince(accountId: string, since: Date, limit: number): Promise<RemovedDeviceRow[]> {
    const rows = await this.db
      .selectFrom('removed_devices')
      .select(['device_id', 'reason', 'removed_at'])
      .where('account_id', '=', accountId)
      .where('removed_at', '>', since)
      .orderBy('removed_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ accountId, deviceId: row.device_id, reason: row.reason, removedAt: row.removed_at }));
  }

  /** True when the device exists. */
  async exists(accountId: string, deviceId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('devices')
      .select('device_id')
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Deletes the device (its refresh tokens go with it, by the foreign key) and records it
   * as removed, pending purge, in one transaction. Null when there was no such device.
   */
  remove(accountId: string, deviceId: number, reason: RemovalReason, now: Date): Promise<RemovedDeviceRow | null> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = await trx
        .deleteFrom('devices')
        .where('account_id', '=', accountId)
        .where('device_id', '=', deviceId)
        .returning('device_public_key')
        .executeTakeFirst();
      if (deleted === undefined) return null;
      await trx
        .insertInto('removed_devices')
        .values({ account_id: accountId, device_id: deviceId, removed_at: now, reason, device_public_key: deleted.device_public_key })
        .execute();
      return { accountId, deviceId, reason, removedAt: now };
    });
  }

  /** False when no such device is registered. */
  async setName(accountId: string, deviceId: number, encryptedName: Uint8Array): Promise<boolean> {
    const updated = await this.db
      .updateTable('devices')
      .set({ encrypted_name: encryptedName })
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .returning('device_id')
      .executeTakeFirst();
    return updated !== undefined;
  }

  /** Records that the device was seen, unless that was recorded after `unlessAfter`: a refresh every 15 minutes costs no write. */
  async markSeen(accountId: string, deviceId: number, now: Date, unlessAfter: Date): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ last_seen_at: now })
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .where('last_seen_at', '<', unlessAfter)
      .execute();
  }

  /** Devices last seen before `before`, oldest first. */
  async inactive(before: Date, limit: number): Promise<{ accountId: string; deviceId: number }[]> {
    const rows = await this.db
      .selectFrom('devices')
      .select(['account_id', 'device_id'])
      .where('last_seen_at', '<', before)
      .orderBy('last_seen_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ accountId: row.account_id, deviceId: row.device_id }));
  }

  /** Removed devices that a service has not yet confirmed purging, oldest first. */
  async pendingPurges(limit: number): Promise<(RemovedDeviceRow & { pending: PurgingService[] })[]> {
    const rows = await this.db
      .selectFrom('removed_devices')
      .select(['account_id', 'device_id', 'reason', 'removed_at', 'mailbox_purged_at', 'keys_purged_at'])
      .where((eb) => eb.or([eb('mailbox_purged_at', 'is', null), eb('keys_purged_at', 'is', null)]))
      .orderBy('removed_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      accountId: row.account_id,
      deviceId: row.device_id,
      reason: row.reason,
      removedAt: row.removed_at,
      pending: [
        ...(row.mailbox_purged_at === null ? (['mailbox'] as const) : []),
        ...(row.keys_purged_at === null ? (['keys'] as const) : []),
      ],
    }));
  }

  async markPurged({ accountId, deviceId, removedAt }: RemovedDeviceRow, service: PurgingService, now: Date): Promise<void> {
    await this.db
      .updateTable('removed_devices')
      .set(service === 'mailbox' ? { mailbox_purged_at: now } : { keys_purged_at: now })
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .where('removed_at', '=', removedAt)
      .execute();
  }
}
