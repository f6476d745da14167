import { hex } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { WalletErrorCode } from '../wallet.errors';
import { addressOfScript, outputScriptOf } from './bitcoin-address';
import { BCOIN_REGTEST, BITCOIN_MAINNET, BITCOIN_REGTEST, BITCOIN_TESTNET } from './bitcoin-network';

const MAINNET_P2WPKH = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
const P2WPKH_SCRIPT = '0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2';

describe(outputScriptOf.name, () => {
  it('gives the output script of an address of its network', () => {
    expect(hex.encode(outputScriptOf(MAINNET_P2WPKH, BITCOIN_MAINNET))).toBe(P2WPKH_SCRIPT);
    expect(hex.encode(outputScriptOf(MAINNET_P2WPKH.toUpperCase(), BITCOIN_MAINNET))).toBe(P2WPKH_SCRIPT);
  });

  it('reads the same key under each regtest prefix it is given', () => {
    const script = outputScriptOf(MAINNET_P2WPKH, BITCOIN_MAINNET);
    const core = addressOfScript(script, BITCOIN_REGTEST);
    const bcoin = addressOfScript(script, BCOIN_REGTEST);
    expect(core?.startsWith('bcrt1q')).toBe(true);
    expect(bcoin?.startsWith('rb1q')).toBe(true);
    expect(outputScriptOf(core ?? '', BITCOIN_REGTEST)).toEqual(script);
    expect(outputScriptOf(bcoin ?? '', BCOIN_REGTEST)).toEqual(script);
  });

  it('names the network of an address from another one', () => {
    expect(() => outputScriptOf(MAINNET_P2WPKH, BITCOIN_TESTNET)).toThrow(
      expect.objectContaining({
        code: WalletErrorCode.WrongNetwork,
        message: expect.stringMatching(/mainnet address; this wallet is on testnet/),
      }),
    );
    const testnet = addressOfScript(hex.decode(P2WPKH_SCRIPT), BITCOIN_TESTNET) ?? '';
    expect(() => outputScriptOf(testnet, BITCOIN_MAINNET)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.WrongNetwork, message: expect.stringContaining('testnet address') }),
    );
    const bcoin = addressOfScript(hex.decode(P2WPKH_SCRIPT), BCOIN_REGTEST) ?? '';
    expect(() => outputScriptOf(bcoin, BITCOIN_MAINNET)).toThrow(expect.objectContaining({ code: WalletErrorCode.WrongNetwork }));
  });

  it.each([
    ['a broken checksum', 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv'],
    ['no address', 'hello'],
    ['an empty string', ''],
    ['an account ID', 'coming1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9ccrydpk8qarc0jqaxxxxx'],
  ])('refuses %s as an invalid address', (_, address) => {
    expect(() => outputScriptOf(address, BITCOIN_MAINNET)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidAddress, message: expect.stringContaining('not a Bitcoin mainnet address') }),
    );
  });
});
