import { seedFromMnemonic } from '@coming/identity';
import { AddressChain, Bip84Account } from './bip84-account';
import { BCOIN_REGTEST } from './bitcoin-network';

// For the transaction builders' specs: a wallet of BIP-39's best-known test phrase, its
// first change address, and a payee of another phrase, on bcoin's regtest.
export const specAccount = new Bip84Account(
  seedFromMnemonic('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'),
  BCOIN_REGTEST,
);
export const specPayee = new Bip84Account(seedFromMnemonic('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong'), BCOIN_REGTEST).address(
  AddressChain.Receive,
  0,
);
export const specChange = specAccount.address(AddressChain.Change, 0);
