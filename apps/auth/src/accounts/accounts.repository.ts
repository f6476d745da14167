import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../auth.database';

export interface DeviceRegistration {
  deviceId: number;
  accountCreated: boolean;
}

export type DeviceRegistrationResult = DeviceRegistration | { tooManyDevices: true };

@Injectable()
export class AccountsRepository {
  constructor(@InjectKysely() private readonly db: Kysely<AuthDatabase>) {}

  /**
   * Creates the account if new, and the device: the requested one, or with deviceId 0
   * the lowest free ID. The account row is locked so concurrent registrations of new
   * devices never pick the same ID.
   */
  registerDevice(accountId: string, deviceId: number, maxDevices: number): Promise<DeviceRegistrationResult> {
    return this.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto('accounts')
        .values({ account_id: accountId })
        .onConflict((conflict) => conflict.doNothing())
        .returning('account_id')
        .executeTakeFirst();
      await trx.selectFrom('accounts').select('account_id').where('account_id', '=', accountId).forUpdate().execute();
      const existing = await trx.selectFrom('devices').select('device_id').where('account_id', '=', accountId).execute();
      const taken = new Set(existing.map((row) => row.device_id));
      if (deviceId !== 0 && taken.has(deviceId)) {
        await trx
          .updateTable('devices')
          .set({ last_login_at: new Date() })
          .where('account_id', '=', accountId)
          .where('device_id', '=', deviceId)
          .execute();
        return { deviceId, accountCreated: false };
      }
      if (taken.size >= maxDevices) return { tooManyDevices: true } as const;
      const assigned = deviceId !== 0 ? deviceId : lowestFree(taken);
      await trx.insertInto('devices').values({ account_id: accountId, device_id: assigned }).execute();
      return { deviceId: assigned, accountCreated: created !== undefined };
    });
  }

  /** The account's device IDs in ascending order, or null when there is no such account. */
  async listDevices(accountId: string): Promise<number[] | null> {
    const rows = await this.db
      .selectFrom('accounts')
      .leftJoin('devices', 'devices.account_id', 'accounts.account_id')
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
