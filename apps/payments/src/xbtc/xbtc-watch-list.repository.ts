import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { PaymentsDatabase } from '../payments.database';
import type { WatchOutcome } from '../watch/watch-list.repository';

/** The EVM addresses each account watches for X-BTC: public data only, one account per address. */
@Injectable()
export class XbtcWatchListRepository {
  constructor(@InjectKysely() private readonly db: Kysely<PaymentsDatabase>) {}

  /** Of these addresses, those this account does not watch. */
  async notWatchedBy(accountId: string, addresses: string[]): Promise<string[]> {
    const watched = await this.db
      .selectFrom('xbtc_watched_addresses')
      .select('address')
      .where('account_id', '=', accountId)
      .where('address', 'in', addresses)
      .execute();
    const own = new Set(watched.map(({ address }) => address));
    return addresses.filter((address) => !own.has(address));
  }

  /** Of these addresses, those any account watches. */
  async watchedAmong(addresses: string[]): Promise<Set<string>> {
    if (addresses.length === 0) return new Set();
    const rows = await this.db.selectFrom('xbtc_watched_addresses').select('address').where('address', 'in', addresses).execute();
    return new Set(rows.map(({ address }) => address));
  }

  /** Adds the addresses to the account's list, unless another account watches one or the list would pass `limit`. */
  watch(accountId: string, deviceId: number, addresses: string[], limit: number): Promise<WatchOutcome> {
    return this.db.transaction().execute(async (trx) => {
      // Serialises an account's watch changes, so two requests cannot both pass the limit.
      await trx.selectFrom('xbtc_watched_addresses').select('address').where('account_id', '=', accountId).forUpdate().execute();
      const foreign = await trx
        .selectFrom('xbtc_watched_addresses')
        .select('address')
        .where('account_id', '<>', accountId)
        .where('address', 'in', addresses)
        .execute();
      if (foreign.length > 0) return { foreign: foreign.map(({ address }) => address) };
      const inserted = await trx
        .insertInto('xbtc_watched_addresses')
        .values(addresses.map((address) => ({ address, account_id: accountId, device_id: deviceId })))
        .onConflict((conflict) => conflict.column('address').doNothing())
        .returning('address')
        .execute();
      const { count } = await trx
        .selectFrom('xbtc_watched_addresses')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      if (Number(count) > limit) {
        await trx
          .deleteFrom('xbtc_watched_addresses')
          .where(
            'address',
            'in',
            inserted.map(({ address }) => address),
          )
          .execute();
        return { overLimit: limit };
      }
      return { added: inserted.length, watching: Number(count) };
    });
  }
}
