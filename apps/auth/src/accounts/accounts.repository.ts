import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../auth.database';

export interface DeviceRegistration {
  deviceId: number;
  accountCreated: boolean;
  /** Devices that never became ready in time and gave up their slot to this registration. */
  reclaimed: number[];
}

export type DeviceRegistrationResult = DeviceRegistration | { tooManyDevices: true };

export interface RegistrationLimits {
  maxDevices: number;
  /** Devices registered before this that are still not ready hold no slot. */
  unreadyBefore: Date;
}

@Injectable()
export class AccountsRepository {
  constructor(@InjectKysely() private readonly db: Kysely<AuthDatabase>) {}

  /**
   * Creates the account if new, and the device: the requested one, or with deviceId 0
   * the lowest free ID. The account row is locked so concurrent registrations of new
   * devices never pick the same ID. A new device first reclaims the slots of devices that
   * registered long ago and never published keys: nobody can message them, and without
   * this a client that crashed after registering would hold a slot forever.
   */
  registerDevice(accountId: string, deviceId: number, limits: RegistrationLimits): Promise<DeviceRegistrationResult> {
    return this.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto('accounts')
        .values({ account_id: accountId })
        .onConflict((conflict) => conflict.doNothing())
        .returning('account_id')
        .executeTakeFirst();
      await trx.selectFrom('accounts').select('account_id').where('account_id', '=', accountId).forUpdate().execute();
      const existing = await trx
        .selectFrom('devices')
        .select(['device_id', 'ready_at', 'created_at'])
        .where('account_id', '=', accountId)
        .execute();
      if (deviceId !== 0 && existing.some((row) => row.device_id === deviceId)) {
        await trx
          .updateTable('devices')
          .set({ last_login_at: new Date() })
          .where('account_id', '=', accountId)
          .where('device_id', '=', deviceId)
          .execute();
        return { deviceId, accountCreated: false, reclaimed: [] };
      }
      const stale = existing.filter((row) => row.ready_at === null && row.created_at < limits.unreadyBefore).map((row) => row.device_id);
      if (existing.length - stale.length >= limits.maxDevices) return { tooManyDevices: true } as const;
      if (stale.length > 0) {
        await trx.deleteFrom('devices').where('account_id', '=', accountId).where('device_id', 'in', stale).execute();
      }
      const taken = new Set(existing.map((row) => row.device_id).filter((id) => !stale.includes(id)));
      const assigned = deviceId !== 0 ? deviceId : lowestFree(taken);
      await trx.insertInto('devices').values({ account_id: accountId, device_id: assigned }).execute();
      return { deviceId: assigned, accountCreated: created !== undefined, reclaimed: stale };
    });
  }

  /** Makes the device a recipient, keeping the first time it became one; false when no such device is registered. */
  async markReady(accountId: string, deviceId: number, now: Date): Promise<boolean> {
    const marked = await this.db
      .updateTable('devices')
      .set((eb) => ({ ready_at: eb.fn.coalesce('ready_at', eb.val(now)) }))
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .returning('device_id')
      .executeTakeFirst();
    return marked !== undefined;
  }

  /** The account's ready device IDs in ascending order, or null when there is no such account. */
  async listReadyDevices(accountId: string): Promise<number[] | null> {
    const rows = await this.db
      .selectFrom('accounts')
      .leftJoin('devices', (join) => join.onRef('devices.account_id', '=', 'accounts.account_id').on('devices.ready_at', 'is not', null))
      .select('devices.device_id')
      .where('accounts.account_id', '=', accountId)
      .orderBy('devices.device_id')
      .execute();
    if (rows.length === 0) return null;
    return rows.flatMap((row) => (row.device_id === null ? [] : [row.device_id]));
  }
}

function lowestFree(taken: Set<number>): number {
  let candidate = 1;
  while (taken.has(candidate)) candidate += 1;
  return candidate;
}
