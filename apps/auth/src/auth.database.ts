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
    /** A linked device's certified key (x-only secp256k1); null for a primary, which logs in with the account key. */
    device_public_key: ColumnType<Uint8Array | null, Uint8Array | null | undefined, never>;
    /** Sealed by the account's devices; opaque here. */
    encrypted_name: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array>;
    /** Last login or refresh, recorded at most hourly; the device expires when it is old. */
    last_seen_at: ColumnType<Date, Date | undefined, Date>;
  };
  /** Devices that left their account; pending until the mailbox and keys purged them. */
  removed_devices: {
    account_id: string;
    device_id: number;
    removed_at: Date;
    reason: 'removed' | 'expired';
    /** The removed linked device's key: its certificate is refused from now on. */
    device_public_key: Uint8Array | null;
    mailbox_purged_at: ColumnType<Date | null, Date | null | undefined, Date>;
    keys_purged_at: ColumnType<Date | null, Date | null | undefined, Date>;
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
