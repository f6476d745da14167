import type { Migration } from 'kysely';
import * as accounts from './20261126000000-accounts';
import * as loginHardening from './20261201000000-login-hardening';
import * as linkedDevices from './20261210000000-linked-devices';

/** Every auth migration, by name in the order they apply. Never edit one that has landed. */
export const authMigrations: Record<string, Migration> = {
  '20261126000000-accounts': accounts,
  '20261201000000-login-hardening': loginHardening,
  '20261210000000-linked-devices': linkedDevices,
};
