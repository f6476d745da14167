import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../auth.database';

/** Refresh tokens are stored only as SHA-256 hashes: a database leak yields no token. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectKysely() private readonly db: Kysely<AuthDatabase>) {}

  async insert(accountId: string, deviceId: number, tokenHash: Uint8Array, expiresAt: Date): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({ account_id: accountId, device_id: deviceId, token_hash: tokenHash, expires_at: expiresAt })
      .execute();
  }

  /** Deletes the token and says whose it was; null if unknown, used or expired. */
  async consume(tokenHash: Uint8Array, now: Date): Promise<{ accountId: string; deviceId: number } | null> {
    const row = await this.db
      .deleteFrom('refresh_tokens')
      .where('token_hash', '=', tokenHash)
      .returning(['account_id', 'device_id', 'expires_at'])
      .executeTakeFirst();
    if (row === undefined || row.expires_at <= now) return null;
    return { accountId: row.account_id, deviceId: row.device_id };
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('refresh_tokens').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
