import { seedFromMnemonic } from '@coming/identity';
import { hex } from '@scure/base';
import { WIF } from '@scure/btc-signer';
import { describe, expect, it } from 'vitest';
import { AddressChain, Bip84Account } from './bip84-account';
import { BCOIN_REGTEST, BITCOIN_MAINNET, BITCOIN_REGTEST, BITCOIN_TESTNET } from './bitcoin-network';

// BIP-84's published test vectors.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const VECTORS = [
  {
    chain: AddressChain.Receive,
    index: 0,
    wif: 'KyZpNDKnfs94vbrwhJneDi77V6jF64PWPF8x5cdJb8ifgg2DUc9d',
    publicKey: '0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c',
    address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
  },
  {
    chain: AddressChain.Receive,
    index: 1,
    wif: 'Kxpf5b8p3qX56DKEe5NqWbNUP9MnqoRFzZwHRtsFqhzuvUJsYZCy',
    publicKey: '03e775fd51f0dfb8cd865d9ff1cca2a158cf651fe997fdc9fee9c1d3b5e995ea77',
    address: 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
  },
  {
    chain: AddressChain.Change,
    index: 0,
    wif: 'KxuoxufJL5csa1Wieb2kp29VNdn92Us8CoaUG3aGtPtcF3AzeXvF',
    publicKey: '03025324888e429ab8e3dbaf1f7802648b9cd01e9b418485c5fa4c1b9b5700e1a6',
    address: 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el',
  },
];

const seed = seedFromMnemonic(MNEMONIC);

describe(Bip84Account.name, () => {
  const mainnet = new Bip84Account(seed, BITCOIN_MAINNET);

  it.each(VECTORS)("derives BIP-84's vector m/84'/0'/0'/$chain/$index", ({ chain, index, wif, publicKey, address }) => {
    const derived = mainnet.address(chain, index);
    expect(derived.address).toBe(address);
    expect(hex.encode(derived.publicKey)).toBe(publicKey);
    expect(derived.path).toEqual([84 + 0x8000_0000, 0x8000_0000, 0x8000_0000, chain, index]);
    expect(WIF(BITCOIN_MAINNET).encode(mainnet.privateKey(derived.path) ?? new Uint8Array())).toBe(wif);
  });

  it('uses coin type 1 and the injected prefix on test networks', () => {
    for (const network of [BITCOIN_TESTNET, BITCOIN_REGTEST, BCOIN_REGTEST]) {
      const derived = new Bip84Account(seed, network).address(AddressChain.Receive, 0);
      expect(derived.address.startsWith(`${network.bech32}1q`)).toBe(true);
      expect(derived.path[1]).toBe(1 + 0x8000_0000);
    }
    // Same keys on every test network: only the encoding differs.
    expect(new Bip84Account(seed, BITCOIN_REGTEST).address(AddressChain.Receive, 3).publicKey).toEqual(
      new Bip84Account(seed, BCOIN_REGTEST).address(AddressChain.Receive, 3).publicKey,
    );
    expect(new Bip84Account(seed, BITCOIN_TESTNET).address(AddressChain.Receive, 0).publicKey).not.toEqual(
      mainnet.address(AddressChain.Receive, 0).publicKey,
    );
  });

  it('gives no key for a path outside its account', () => {
    expect(mainnet.privateKey([84 + 0x8000_0000, 1 + 0x8000_0000, 0x8000_0000, 0, 0])).toBeUndefined();
    expect(mainnet.privateKey([13 + 0x8000_0000, 0x8000_0000, 0x8000_0000])).toBeUndefined();
    expect(mainnet.privateKey([...mainnet.accountPath, 0x8000_0000, 0])).toBeUndefined();
  });
});
