import type { ColumnType } from 'kysely';

/** The tables auth owns; kept in step with migrations/ by the repository tests. */
export interface AuthDatabase {
  accounts: {
    account_id: string;
    created_at: ColumnType<Date, never, never>;
  };
  devices: {
    account_id: string;
    device_id: number;
    created_at: ColumnType<Date, never, never>;
    last_login_at: ColumnType<Date, Date | undefined, Date>;
  };
  refresh_tokens: {
    token_hash: Uint8Array;
    account_id: string;
    device_id: number;
    expires_at: Date;
  };
}
