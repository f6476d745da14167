import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import type { PaymentsDatabase } from '../payments.database';

export interface WatchedScript {
  scriptPubKey: string;
  address: string;
}

export type WatchOutcome = { added: number; watching: number } | { foreign: string[] } | { overLimit: number };

@Injectable()
export class WatchListRepository {
  constructor(@InjectKysely() private readonly db: Kysely<PaymentsDatabase>) {}

  /** Of these scripts, the addresses another account watches. */
  foreignAddresses(accountId: string, scripts: WatchedScript[]): Promise<string[]> {
    return foreignAddresses(this.db, accountId, scripts);
  }

  /** Adds the scripts to the account's watch list, unless another account watches one or the list would pass `limit`. */
  watch(accountId: string, deviceId: number, scripts: WatchedScript[], limit: number): Promise<WatchOutcome> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        // Serialises an account's watch changes, so two requests cannot both pass the limit.
        await trx.selectFrom('watched_addresses').select('script_pubkey').where('account_id', '=', accountId).forUpdate().execute();
        const inserted = await trx
          .insertInto('watched_addresses')
          .values(
            scripts.map(({ scriptPubKey, address }) => ({
              script_pubkey: scriptPubKey,
              account_id: accountId,
              address,
              device_id: deviceId,
            })),
          )
          .onConflict((conflict) => conflict.column('script_pubkey').doNothing())
          .returning('script_pubkey')
          .execute();
        // A script that was not inserted is watched already, by this account or another (a race the check before lost).
        const foreign = await foreignAddresses(trx, accountId, scripts);
        if (foreign.length > 0) throw new ForeignWatch(foreign);
        const { count } = await trx
          .selectFrom('watched_addresses')
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow();
        if (Number(count) > limit) throw new OverLimit(limit);
        return { added: inserted.length, watching: Number(count) };
      })
      .catch((error: unknown) => {
        if (error instanceof ForeignWatch) return { foreign: error.addresses };
        if (error instanceof OverLimit) return { overLimit: error.limit };
        throw error;
      });
  }

  async unwatch(accountId: string, scripts: string[]): Promise<number> {
    if (scripts.length === 0) return 0;
    const result = await this.db
      .deleteFrom('watched_addresses')
      .where('account_id', '=', accountId)
      .where('script_pubkey', 'in', scripts)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Registers (or, while unpaid, updates) a payment request at a script the account watches. */
  async saveRequest(accountId: string, request: WatchedScript & { amountSat: number; expiresAt: Date }, now: Date): Promise<void> {
    await this.db
      .insertInto('payment_requests')
      .values({
        script_pubkey: request.scriptPubKey,
        account_id: accountId,
        address: request.address,
        amount_sat: request.amountSat,
        expires_at: request.expiresAt,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) =>
        conflict
          .column('script_pubkey')
          .doUpdateSet({ amount_sat: request.amountSat, expires_at: request.expiresAt, expired: false, updated_at: now })
          .where('payment_requests.account_id', '=', accountId),
      )
      .execute();
  }
}

async function foreignAddresses(
  db: Kysely<PaymentsDatabase> | Transaction<PaymentsDatabase>,
  accountId: string,
  scripts: WatchedScript[],
): Promise<string[]> {
  if (scripts.length === 0) return [];
  const rows = await db
    .selectFrom('watched_addresses')
    .select('script_pubkey')
    .where(
      'script_pubkey',
      'in',
      scripts.map(({ scriptPubKey }) => scriptPubKey),
    )
    .where('account_id', '<>', accountId)
    .execute();
  const foreign = new Set(rows.map(({ script_pubkey }) => script_pubkey));
  return scripts.filter(({ scriptPubKey }) => foreign.has(scriptPubKey)).map(({ address }) => address);
}

/** Rolls the watch transaction back: an address belongs to another account. */
class ForeignWatch extends Error {
  constructor(readonly addresses: string[]) {
    super('watched by another account');
  }
}

/** Rolls the watch transaction back: the account would watch too many addresses. */
class OverLimit extends Error {
  constructor(readonly limit: number) {
    super('watch limit reached');
  }
}
