import { seedFromMnemonic } from '@coming/identity';
import { inspect } from 'node:util';
import { keccak256, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { EvmAccount } from './evm-account';

// The phrase every EVM development chain funds, and the first account's key and address at
// m/44'/60'/0'/0/0 as those tools publish them.
const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const DEV_PRIVATE_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const DEV_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

describe(EvmAccount.name, () => {
  const account = new EvmAccount(seedFromMnemonic(DEV_MNEMONIC));

  it("derives the phrase's first EVM account at m/44'/60'/0'/0/0, checksummed", () => {
    expect(account.address).toBe(DEV_ADDRESS);
  });

  it("signs a digest exactly as viem's signer does with the same key", async () => {
    const digest = keccak256(toHex('a digest to sign'));
    expect(account.signDigest(digest)).toBe(await privateKeyToAccount(DEV_PRIVATE_KEY).sign({ hash: digest }));
  });

  it('shows its private key neither in JSON nor when inspected or logged', () => {
    const key = DEV_PRIVATE_KEY.slice(2);
    expect(JSON.stringify(account)).not.toContain(key);
    expect(inspect(account, { showHidden: true, depth: Infinity })).not.toMatch(/privateKey|ac0974/);
  });
});
