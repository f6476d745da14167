import type { ColumnType, Generated } from 'kysely';

/** The tables auth owns; kept in step with migrations/ by the repository tests. */
export interface AuthDatabase {
  accounts: {
    account_id: string;
    created_at: ColumnType<Date, never, never>;
  };
  devices: {
    account_id: string;
    device_id: number;
    created_at: ColumnType<Date, Date | undefined, never>;
    last_login_at: ColumnType<Date, Date | undefined, Date>;
    /** When the device first published its keys; null until then, and it is no recipient. */
    ready_at: ColumnType<Date | null, Date | null | undefined, Date>;
  };
  refresh_tokens: {
    token_hash: Uint8Array;
    account_id: string;
    device_id: number;
    expires_at: Date;
    /** Shared by every token descended from one login. */
    family_id: Generated<string>;
    /** Set when the token was exchanged; a second exchange revokes the family. */
    used_at: ColumnType<Date | null, Date | null | undefined, Date>;
  };
  used_challenges: {
    challenge_hash: Uint8Array;
    /** The challenge's own expiry; after it the row is swept, as the challenge is refused anyway. */
    expires_at: Date;
  };
}
