import type { Migration } from 'kysely';
import * as envelopes from './20261126000000-envelopes';
import * as holdings from './20261202000000-holdings';

/** Every mailbox migration, by name in the order they apply. Never edit one that has landed. */
export const mailboxMigrations: Record<string, Migration> = {
  '20261126000000-envelopes': envelopes,
  '20261202000000-holdings': holdings,
};
