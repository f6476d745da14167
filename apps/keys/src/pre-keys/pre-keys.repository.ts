import { InjectKysely } from '@coming/database';
import type { keys } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { KeysDatabase } from '../keys.database';

export interface DeviceUpload {
  registrationId: number;
  signedPreKey?: keys.SignedEcPreKey | undefined;
  lastResort?: keys.SignedKyberPreKey | undefined;
  oneTimePreKeys: keys.EcPreKey[];
  oneTimeKyberPreKeys: keys.SignedKyberPreKey[];
}

export type UploadOutcome = { saved: keys.PreKeyCount } | { missingDeviceKeys: true } | { overStock: keys.PreKeyCount };

export interface ClaimedBundles {
  identityKey: keys.IdentityKey;
  devices: keys.DeviceBundle[];
  /** Stock left per device after this claim. */
  remaining: Map<number, keys.PreKeyCount>;
}

@Injectable()
export class PreKeysRepository {
  constructor(@InjectKysely() private readonly db: Kysely<KeysDatabase>) {}

  async identityKeyOf(accountId: string): Promise<keys.IdentityKey | undefined> {
    const row = await this.db
      .selectFrom('identity_keys')
      .select(['public_key', 'account_signature'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row && { publicKey: row.public_key, accountSignature: row.account_signature };
  }

  /** When the account first published an identity key; undefined if it never did. */
  async accountCreatedAt(accountId: string): Promise<Date | undefined> {
    const row = await this.db.selectFrom('identity_keys').select('created_at').where('account_id', '=', accountId).executeTakeFirst();
    return row?.created_at;
  }

  async saveIdentityKey(accountId: string, { publicKey, accountSignature }: keys.IdentityKey): Promise<void> {
    await this.db
      .insertInto('identity_keys')
      .values({ account_id: accountId, public_key: publicKey, account_signature: accountSignature })
      .onConflict((conflict) =>
        conflict.column('account_id').doUpdateSet({ public_key: publicKey, account_signature: accountSignature, updated_at: new Date() }),
      )
      .execute();
  }

  /** Saves a device's keys in one transaction; the one-time stock may not pass `capacity`. */
  saveDeviceKeys(accountId: string, deviceId: number, upload: DeviceUpload, capacity: number): Promise<UploadOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('device_keys')
        .select('device_id')
        .where('account_id', '=', accountId)
        .where('device_id', '=', deviceId)
        .forUpdate()
        .executeTakeFirst();
      const { signedPreKey, lastResort } = upload;
      if (existing === undefined) {
        if (signedPreKey === undefined || lastResort === undefined) return { missingDeviceKeys: true } as const;
        await trx
          .insertInto('device_keys')
          .values({ account_id: accountId, device_id: deviceId, ...deviceColumns(upload, signedPreKey, lastResort) })
          .execute();
      } else {
        await trx
          .updateTable('device_keys')
          .set({
            registration_id: upload.registrationId,
            updated_at: new Date(),
            ...(signedPreKey && {
              signed_pre_key_id: signedPreKey.keyId,
              signed_pre_key: signedPreKey.publicKey,
              signed_pre_key_signature: signedPreKey.signature,
            }),
            ...(lastResort && {
              last_resort_key_id: lastResort.keyId,
              last_resort_key: lastResort.publicKey,
              last_resort_signature: lastResort.signature,
            }),
          })
          .where('account_id', '=', accountId)
          .where('device_id', '=', deviceId)
          .execute();
      }
      const before = await countStock(trx, accountId, deviceId);
      const after = {
        ecPreKeys: before.ecPreKeys + upload.oneTimePreKeys.length,
        kyberPreKeys: before.kyberPreKeys + upload.oneTimeKyberPreKeys.length,
      };
      if (after.ecPreKeys > capacity || after.kyberPreKeys > capacity) return { overStock: before };
      if (upload.oneTimePreKeys.length > 0) {
        await trx
          .insertInto('one_time_pre_keys')
          .values(
            upload.oneTimePreKeys.map(({ keyId, publicKey }) => ({
              account_id: accountId,
              device_id: deviceId,
              key_id: keyId,
              public_key: publicKey,
            })),
          )
          .onConflict((conflict) => conflict.columns(['account_id', 'device_id', 'key_id']).doNothing())
          .execute();
      }
      if (upload.oneTimeKyberPreKeys.length > 0) {
        await trx
          .insertInto('one_time_kyber_pre_keys')
          .values(
            upload.oneTimeKyberPreKeys.map(({ keyId, publicKey, signature }) => ({
              account_id: accountId,
              device_id: deviceId,
              key_id: keyId,
              public_key: publicKey,
              signature,
            })),
          )
          .onConflict((conflict) => conflict.columns(['account_id', 'device_id', 'key_id']).doNothing())
          .execute();
      }
      return { saved: await countStock(trx, accountId, deviceId) };
    });
  }

  count(accountId: string, deviceId: number): Promise<keys.PreKeyCount> {
    return countStock(this.db, accountId, deviceId);
  }

  /** Deletes every key of a device that left its account, so no sender gets its bundle again; returns how many rows went. */
  deleteDevice(accountId: string, deviceId: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      let deleted = 0;
      for (const table of ['one_time_pre_keys', 'one_time_kyber_pre_keys', 'device_keys'] as const) {
        const result = await trx.deleteFrom(table).where('account_id', '=', accountId).where('device_id', '=', deviceId).executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    });
  }

  /** Takes one one-time prekey of each kind per device; each key leaves exactly once. */
  claimBundles(accountId: string): Promise<ClaimedBundles | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const identity = await trx
        .selectFrom('identity_keys')
        .select(['public_key', 'account_signature'])
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (identity === undefined) return undefined;
      const devices = await trx.selectFrom('device_keys').selectAll().where('account_id', '=', accountId).orderBy('device_id').execute();
      const bundles: keys.DeviceBundle[] = [];
      const remaining = new Map<number, keys.PreKeyCount>();
      for (const device of devices) {
        const oneTime = await claimOne(trx, 'one_time_pre_keys', accountId, device.device_id);
        const kyber = await claimOne(trx, 'one_time_kyber_pre_keys', accountId, device.device_id);
        bundles.push({
          deviceId: device.device_id,
          registrationId: device.registration_id,
          signedPreKey: { keyId: device.signed_pre_key_id, publicKey: device.signed_pre_key, signature: device.signed_pre_key_signature },
          oneTimePreKey: oneTime && { keyId: oneTime.key_id, publicKey: oneTime.public_key },
          kyberPreKey: kyber?.signature
            ? { keyId: kyber.key_id, publicKey: kyber.public_key, signature: kyber.signature }
            : { keyId: device.last_resort_key_id, publicKey: device.last_resort_key, signature: device.last_resort_signature },
        });
        remaining.set(device.device_id, await countStock(trx, accountId, device.device_id));
      }
      return { identityKey: { publicKey: identity.public_key, accountSignature: identity.account_signature }, devices: bundles, remaining };
    });
  }
}

function deviceColumns(upload: DeviceUpload, signedPreKey: keys.SignedEcPreKey, lastResort: keys.SignedKyberPreKey) {
  return {
    registration_id: upload.registrationId,
    signed_pre_key_id: signedPreKey.keyId,
    signed_pre_key: signedPreKey.publicKey,
    signed_pre_key_signature: signedPreKey.signature,
    last_resort_key_id: lastResort.keyId,
    last_resort_key: lastResort.publicKey,
    last_resort_signature: lastResort.signature,
  };
}

async function countStock(
  db: Kysely<KeysDatabase> | Transaction<KeysDatabase>,
  accountId: string,
  deviceId: number,
): Promise<keys.PreKeyCount> {
  const [ec, kyber] = await Promise.all(
    (['one_time_pre_keys', 'one_time_kyber_pre_keys'] as const).map((table) =>
      db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', accountId)
        .where('device_id', '=', deviceId)
        .executeTakeFirstOrThrow(),
    ),
  );
  return { ecPreKeys: Number(ec?.count), kyberPreKeys: Number(kyber?.count) };
}

/** Deletes and returns the lowest-numbered one-time key, skipping keys other fetches hold. */
async function claimOne(
  trx: Transaction<KeysDatabase>,
  table: 'one_time_pre_keys' | 'one_time_kyber_pre_keys',
  accountId: string,
  deviceId: number,
): Promise<{ key_id: number; public_key: Uint8Array; signature?: Uint8Array } | undefined> {
  const { rows } = await sql<{ key_id: number; public_key: Uint8Array; signature?: Uint8Array }>`
    delete from ${sql.table(table)}
    where account_id = ${accountId} and device_id = ${deviceId} and key_id = (
      select key_id from ${sql.table(table)}
      where account_id = ${accountId} and device_id = ${deviceId}
      order by key_id limit 1 for update skip locked)
    returning *`.execute(trx);
  return rows[0];
}
