import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { KeysDatabase } from '../keys.database';

/** A token bucket: `burst` fetches at once, then one more every `refillMs`. */
export interface Budget {
  bucket: string;
  burst: number;
  refillMs: number;
}

export type BudgetDecision = { allowed: true } | { allowed: false; bucket: string; retryAfterMs: number };

/** Aborts the transaction so that no bucket is charged for a fetch that another one refused. */
class Refused extends Error {
  constructor(readonly decision: BudgetDecision & { allowed: false }) {
    super('refused');
  }
}

/**
 * Fetch budgets live in PostgreSQL, not Redis: a budget is a promise to the target that
 * its prekeys cannot be drained, and losing the cache must not lose that promise.
 */
@Injectable()
export class FetchBudgetsRepository {
  constructor(@InjectKysely() private readonly db: Kysely<KeysDatabase>) {}

  /** Charges one token to every budget, or to none when any of them is empty. */
  async spend(budgets: Budget[], now: Date): Promise<BudgetDecision> {
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const budget of budgets) {
          const decision = await take(trx, budget, now);
          if (!decision.allowed) throw new Refused(decision);
        }
      });
      return { allowed: true };
    } catch (error) {
      if (error instanceof Refused) return error.decision;
      throw error;
    }
  }

  /** Drops buckets idle long enough to have refilled completely; they read as full anyway. */
  async sweep(idleSince: Date): Promise<number> {
    const result = await this.db.deleteFrom('fetch_budgets').where('updated_at', '<', idleSince).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** One atomic upsert: refill by the time elapsed, capped at the burst, then take a token if one is whole. */
async function take(trx: Transaction<KeysDatabase>, { bucket, burst, refillMs }: Budget, now: Date): Promise<BudgetDecision> {
  const refilled = sql<number>`least(${burst}::double precision, fetch_budgets.tokens + extract(epoch from (${now}::timestamptz - fetch_budgets.updated_at)) * 1000 / ${refillMs})`;
  const taken = await trx
    .insertInto('fetch_budgets')
    .values({ bucket, tokens: burst - 1, updated_at: now })
    .onConflict((conflict) =>
      conflict
        .column('bucket')
        .doUpdateSet({ tokens: sql`${refilled} - 1`, updated_at: now })
        .where(sql<boolean>`${refilled} >= 1`),
    )
    .returning('tokens')
    .executeTakeFirst();
  if (taken !== undefined) return { allowed: true };
  const { tokens } = await trx
    .selectFrom('fetch_budgets')
    .select(sql<number>`${refilled}`.as('tokens'))
    .where('bucket', '=', bucket)
    .executeTakeFirstOrThrow();
  return { allowed: false, bucket, retryAfterMs: Math.max(1, Math.ceil((1 - tokens) * refillMs)) };
}
