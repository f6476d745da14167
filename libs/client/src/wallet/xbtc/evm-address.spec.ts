import { describe, expect, it } from 'vitest';
import { WalletErrorCode } from '../wallet.errors';
import { checkEvmAddress } from './evm-address';

const CHECKSUMMED = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

describe(checkEvmAddress.name, () => {
  it('takes an address in one case as it is, and gives it back checksummed', () => {
    expect(checkEvmAddress(CHECKSUMMED.toLowerCase())).toBe(CHECKSUMMED);
    expect(checkEvmAddress(`0x${CHECKSUMMED.slice(2).toUpperCase()}`)).toBe(CHECKSUMMED);
    expect(checkEvmAddress(CHECKSUMMED)).toBe(CHECKSUMMED);
  });

  it('refuses a mixed-case address whose EIP-55 checksum does not match', () => {
    const typo = CHECKSUMMED.replace('f39Fd6', 'f39fd6');
    expect(() => checkEvmAddress(typo)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidAddress, message: expect.stringContaining('EIP-55 checksum') }),
    );
  });

  it.each([
    ['too short', CHECKSUMMED.slice(0, -1)],
    ['without 0x', CHECKSUMMED.slice(2)],
    ['not hex', `0x${'g'.repeat(40)}`],
    ['a Bitcoin address', 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'],
  ])('refuses what is not an EVM address: %s', (_, address) => {
    expect(() => checkEvmAddress(address)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidAddress, message: expect.stringContaining('not an EVM address') }),
    );
  });

  it('refuses the zero address, where tokens are lost', () => {
    expect(() => checkEvmAddress(`0x${'0'.repeat(40)}`)).toThrow(expect.objectContaining({ code: WalletErrorCode.InvalidAddress }));
  });
});
