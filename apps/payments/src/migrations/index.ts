import type { Migration } from 'kysely';
import * as chainWatch from './20261203000000-chain-watch';
import * as xbtc from './20261210000000-xbtc';
import * as xbtcSubmissionClaim from './20261215000000-xbtc-submission-claim';
import * as xbtcFeeCounted from './20261220000000-xbtc-fee-counted';

/** Every payments migration, by name in the order they apply. Never edit one that has landed. */
export const paymentsMigrations: Record<string, Migration> = {
  '20261203000000-chain-watch': chainWatch,
  '20261210000000-xbtc': xbtc,
  '20261215000000-xbtc-submission-claim': xbtcSubmissionClaim,
  '20261220000000-xbtc-fee-counted': xbtcFeeCounted,
};
