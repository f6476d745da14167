import { InjectKysely } from '@coming/database';
import { MAX_DEVICE_ID } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../auth.database';

export interface DeviceRegistration {
  deviceId: number;
  accountCreated: boolean;
  /** Devices that never became ready in time and gave up their slot to this registration. */
  reclaimed: number[];
}

export type DeviceRegistrationResult = DeviceRegistration | { tooManyDevices: true } | { certificateRejected: string };

export interface RegistrationLimits {
  maxDevices: number;
  /** Devices registered before this that are still not ready hold no slot. */
  unreadyBefore: Date;
  now: Date;
}

@Injectable()
export class AccountsRepository {
  constructor(@InjectKysely() private readonly db: Kysely<AuthDatabase>) {}

  /**
   * Creates the account if new, and the device: the requested one, or with deviceId 0
   * the lowest free ID. The account row is locked so concurrent registrations of new
   * devices never pick the same ID. A new device first reclaims the slots of devices that
   * registered long ago and never published keys: nobody can message them, and without
   * this a client that crashed after registering would hold a slot forever. IDs of removed
   * devices whose purge is not confirmed yet are not given out, so that a late purge can
   * never delete a new device's mailbox.
   *
   * `devicePublicKey` is a linked device's certified key: such a device gets back the
   * device its key already has (a retried first login takes no second slot), may not
   * claim another device's ID, and never comes back once removed.
   */
  registerDevice(
    accountId: string,
    deviceId: number,
    devicePublicKey: Uint8Array | undefined,
    limits: RegistrationLimits,
  ): Promise<DeviceRegistrationResult> {
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
        .select(['device_id', 'ready_at', 'created_at', 'device_public_key'])
        .where('account_id', '=', accountId)
        .execute();
      const removed = await trx
        .selectFrom('removed_devices')
        .select(['device_id', 'device_public_key', 'mailbox_purged_at', 'keys_purged_at'])
        .where('account_id', '=', accountId)
        .where((eb) =>
          eb.or([
            eb('mailbox_purged_at', 'is', null),
            eb('keys_purged_at', 'is', null),
            ...(devicePublicKey === undefined ? [] : [eb('device_public_key', '=', devicePublicKey)]),
          ]),
        )
        .execute();
      let requested = deviceId;
      if (devicePublicKey !== undefined) {
        if (removed.some((row) => row.device_public_key !== null && equalBytes(row.device_public_key, devicePublicKey))) {
          return { certificateRejected: 'this device was removed from the account: link it again with a new link code' };
        }
        const own = existing.find((row) => row.device_public_key !== null && equalBytes(row.device_public_key, devicePublicKey));
        if (own === undefined && deviceId !== 0) {
          return { certificateRejected: `device ${deviceId} is not this certificate's device: log in with device ID 0 to register` };
        }
        if (own !== undefined && deviceId !== 0 && deviceId !== own.device_id) {
          return { certificateRejected: `this certificate's device is ${own.device_id}, not ${deviceId}` };
        }
        if (own !== undefined) requested = own.device_id;
      }
      if (requested !== 0 && existing.some((row) => row.device_id === requested)) {
        await trx
          .updateTable('devices')
          .set({ last_login_at: limits.now, last_seen_at: limits.now })
          .where('account_id', '=', accountId)
          .where('device_id', '=', requested)
          .execute();
        return { deviceId: requested, accountCreated: false, reclaimed: [] };
      }
      const purging = removed.filter((row) => row.mailbox_purged_at === null || row.keys_purged_at === null).map((row) => row.device_id);
      // A removed primary coming back with its old ID while that is still being purged gets a new one.
      if (purging.includes(requested)) requested = 0;
      const stale = existing.filter((row) => row.ready_at === null && row.created_at < limits.unreadyBefore).map((row) => row.device_id);
      if (existing.length - stale.length >= limits.maxDevices) return { tooManyDevices: true } as const;
      if (stale.length > 0) {
        await trx.deleteFrom('devices').where('account_id', '=', accountId).where('device_id', 'in', stale).execute();
      }
      const taken = new Set([...existing.map((row) => row.device_id).filter((id) => !stale.includes(id)), ...purging]);
      const assigned = requested !== 0 ? requested : lowestFree(taken);
      if (assigned > MAX_DEVICE_ID) return { tooManyDevices: true } as const;
      await trx
        .insertInto('devices')
        .values({
          account_id: accountId,
          device_id: assigned,
          device_public_key: devicePublicKey ?? null,
          created_at: limits.now,
          last_seen_at: limits.now,
        })
        .execute();
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

function equalBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && timingSafeEqual(left, right);
}
