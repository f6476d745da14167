import type { ColumnType } from 'kysely';

/** The tables keys owns; kept in step with migrations/ by the service tests. */
export interface KeysDatabase {
  identity_keys: {
    account_id: string;
    public_key: Uint8Array;
    account_signature: Uint8Array;
    updated_at: ColumnType<Date, Date | undefined, Date>;
    created_at: ColumnType<Date, Date | undefined, never>;
  };
  device_keys: {
    account_id: string;
    device_id: number;
    registration_id: number;
    signed_pre_key_id: number;
    signed_pre_key: Uint8Array;
    signed_pre_key_signature: Uint8Array;
    last_resort_key_id: number;
    last_resort_key: Uint8Array;
    last_resort_signature: Uint8Array;
    updated_at: ColumnType<Date, Date | undefined, Date>;
  };
  one_time_pre_keys: {
    account_id: string;
    device_id: number;
    key_id: number;
    public_key: Uint8Array;
  };
  one_time_kyber_pre_keys: {
    account_id: string;
    device_id: number;
    key_id: number;
    public_key: Uint8Array;
    signature: Uint8Array;
  };
  /** Token buckets for prekey fetches, one row per budget in use. */
  fetch_budgets: {
    bucket: string;
    tokens: number;
    updated_at: Date;
  };
}
