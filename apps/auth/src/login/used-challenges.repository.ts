import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import type { AuthDatabase } from '../auth.database';

/**
 * Which challenges have been spent, in PostgreSQL so that a challenge is accepted once
 * even across replicas, restarts and a Redis outage. Rows go once the challenge expires.
 */
@Injectable()
export class UsedChallengesRepository {
  constructor(@InjectKysely() private readonly db: Kysely<AuthDatabase>) {}

  /** True exactly once per challenge: the first caller records it, later ones find it. */
  async redeem(challenge: Uint8Array, expiresAt: Date): Promise<boolean> {
    const inserted = await this.db
      .insertInto('used_challenges')
      .values({ challenge_hash: createHash('sha256').update(challenge).digest(), expires_at: expiresAt })
      .onConflict((conflict) => conflict.doNothing())
      .returning('challenge_hash')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('used_challenges').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
