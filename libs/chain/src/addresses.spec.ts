import { describe, expect, it } from 'vitest';
import { addressOfScript, InvalidAddressError, scriptPubKeyOf } from './addresses';
import { bcoinNetworks, bitcoinCoreNetworks, networkOfGenesis, networkParameters } from './networks';

// BIP-173's P2WPKH test vector, spelled for each network.
const PROGRAM = '751e76e8199196d454941c45d1b3a323f1433bd6';
const MAINNET_P2WPKH = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
const TESTNET_P2WPKH = 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx';

describe('scriptPubKeyOf', () => {
  it('turns an address of the network into the output script it pays', () => {
    expect(scriptPubKeyOf(MAINNET_P2WPKH, bitcoinCoreNetworks.mainnet)).toBe(`0014${PROGRAM}`);
    expect(scriptPubKeyOf(TESTNET_P2WPKH, bitcoinCoreNetworks.testnet)).toBe(`0014${PROGRAM}`);
  });

  it('spells the same script with each regtest flavour’s own prefix', () => {
    const bcoin = addressOfScript(`0014${PROGRAM}`, bcoinNetworks.regtest);
    const core = addressOfScript(`0014${PROGRAM}`, bitcoinCoreNetworks.regtest);
    expect(bcoin?.startsWith('rb1q')).toBe(true);
    expect(core?.startsWith('bcrt1q')).toBe(true);
    expect(scriptPubKeyOf(bcoin ?? '', networkParameters('regtest', 'bcoin'))).toBe(`0014${PROGRAM}`);
  });

  it('refuses an address of another network, naming both prefixes', () => {
    expect(() => scriptPubKeyOf(MAINNET_P2WPKH, bcoinNetworks.regtest)).toThrow(
      `address "${MAINNET_P2WPKH}" is not a regtest address: its prefix is "bc", this network's is "rb"`,
    );
    // A base58 mainnet P2PKH address on testnet: the version byte gives it away.
    expect(() => scriptPubKeyOf('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', bitcoinCoreNetworks.testnet)).toThrow(/version byte is 0x00/);
  });

  it('refuses what is no address at all', () => {
    expect(() => scriptPubKeyOf('bc1qnotanaddress', bitcoinCoreNetworks.mainnet)).toThrow(InvalidAddressError);
    expect(() => scriptPubKeyOf('', bitcoinCoreNetworks.mainnet)).toThrow(/1 to 90 characters/);
  });

  it('has no address for a data-carrier output', () => {
    expect(addressOfScript('6a0568656c6c6f', bitcoinCoreNetworks.mainnet)).toBeUndefined();
  });
});

describe('networkOfGenesis', () => {
  it('tells the networks apart by their genesis block, and knows no other chain', () => {
    expect(networkOfGenesis('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f')).toBe('mainnet');
    expect(networkOfGenesis('0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206')).toBe('regtest');
    // Signet's.
    expect(networkOfGenesis('00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6')).toBeUndefined();
  });
});
