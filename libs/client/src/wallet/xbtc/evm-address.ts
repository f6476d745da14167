import { type Address, checksumAddress, zeroAddress } from 'viem';
import { WalletError, WalletErrorCode } from '../wallet.errors';

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Reads an EVM address a user or a contact gave, in its EIP-55 checksummed form. An address
 * in one case carries no checksum and is taken as it is; in mixed case its capitals are an
 * EIP-55 checksum, and one that does not match is a typo, refused rather than paid. EVM
 * addresses name no chain, so there is no WRONG_NETWORK here: the token's chain is the
 * wallet's.
 */
export function checkEvmAddress(address: string): Address {
  if (!EVM_ADDRESS.test(address)) {
    throw new WalletError(WalletErrorCode.InvalidAddress, `"${address}" is not an EVM address: write 0x and 40 hex digits`);
  }
  const checksummed = checksumAddress(address as Address);
  const mixedCase = address !== address.toLowerCase() && address.slice(2) !== address.slice(2).toUpperCase();
  if (mixedCase && checksummed !== address) {
    throw new WalletError(
      WalletErrorCode.InvalidAddress,
      `"${address}" fails its EIP-55 checksum (the capitals do not match): check it for a typo`,
    );
  }
  // Tokens sent there are gone for good, and the token contract refuses it anyway.
  if (checksummed === zeroAddress) throw new WalletError(WalletErrorCode.InvalidAddress, 'the zero address cannot be paid');
  return checksummed;
}

/** Whether two EVM addresses are the same, whatever their case. */
export function sameEvmAddress(one: string, other: string): boolean {
  return one.toLowerCase() === other.toLowerCase();
}
