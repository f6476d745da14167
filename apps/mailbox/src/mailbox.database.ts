import type { ColumnType, Generated } from 'kysely';

/** The tables mailbox owns; kept in step with migrations/ by the repository tests. */
export interface MailboxDatabase {
  envelopes: {
    /** bigint, read back as a string by the driver. */
    sequence: ColumnType<string, never, never> & Generated<string>;
    server_guid: Uint8Array;
    account_id: string;
    device_id: number;
    /** The sender, for its quota; '' on envelopes stored before sender quotas. */
    source_account: string;
    /** The whole encoded Envelope protobuf: opaque ciphertext plus addressing. */
    envelope: Uint8Array;
    created_at: ColumnType<Date, never, never>;
    expires_at: Date;
  };
  /** How many envelopes each device's mailbox holds; changed only with its envelopes. */
  mailbox_holdings: {
    account_id: string;
    device_id: number;
    held: number;
  };
  /** How many of those each sender account put there, for the per-sender quota. */
  sender_holdings: {
    account_id: string;
    device_id: number;
    source_account: string;
    held: number;
  };
}
