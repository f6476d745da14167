import { InjectKysely } from '@coming/database';
import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AuthDatabase } from '../auth.database';

export interface TokenOwner {
  accountId: string;
  deviceId: number;
}

export type Rotation =
  | { rotated: TokenOwner }
  /** The token was exchanged before: someone holds a copy. */
  | { reused: TokenOwner & { familyId: string } }
  | { rejected: 'unknown' | 'expired' };

/** Refresh tokens are stored only as SHA-256 hashes: a database leak yields no token. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectKysely() private readonly db: Kysely<AuthDatabase>) {}

  /** Starts a token family, at login. */
  async insert(accountId: string, deviceId: number, tokenHash: Uint8Array, expiresAt: Date): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({ account_id: accountId, device_id: deviceId, token_hash: tokenHash, expires_at: expiresAt })
      .execute();
  }

  /**
   * Marks the token used and adds its successor to the same family, in one transaction.
   * The row lock makes a concurrent second exchange of the same token wait for this one
   * to commit, so that it sees the token used, and the successor, when revoking the family.
   */
  rotate(tokenHash: Uint8Array, next: { tokenHash: Uint8Array; expiresAt: Date }, now: Date): Promise<Rotation> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['account_id', 'device_id', 'family_id'])
        .executeTakeFirst();
      if (row !== undefined) {
        await trx
          .insertInto('refresh_tokens')
          .values({
            account_id: row.account_id,
            device_id: row.device_id,
            family_id: row.family_id,
            token_hash: next.tokenHash,
            expires_at: next.expiresAt,
          })
          .execute();
        return { rotated: { accountId: row.account_id, deviceId: row.device_id } };
      }
      const stored = await trx
        .selectFrom('refresh_tokens')
        .select(['account_id', 'device_id', 'family_id', 'used_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (stored === undefined) return { rejected: 'unknown' };
      if (stored.used_at !== null) {
        return { reused: { accountId: stored.account_id, deviceId: stored.device_id, familyId: stored.family_id } };
      }
      return { rejected: 'expired' };
    });
  }

  /** Deletes every token of one login's family; they all stop working at once. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.db.deleteFrom('refresh_tokens').where('family_id', '=', familyId).execute();
  }

  /** Deletes every refresh token of a device, of every family. */
  async revokeDevice(accountId: string, deviceId: number): Promise<number> {
    const result = await this.db
      .deleteFrom('refresh_tokens')
      .where('account_id', '=', accountId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(now: Date): Promise<number> {
    const result = await this.db.deleteFrom('refresh_tokens').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
