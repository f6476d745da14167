/**
 * A Bitcoin network's parameters: the address encodings, and the BIP-44 coin type that
 * keeps each network's keys apart. Injected, never assumed: regtest nodes disagree on
 * their bech32 prefix (Bitcoin Core uses "bcrt", bcoin "rb").
 */
export interface BitcoinNetwork {
  /** What users and config call it. */
  readonly name: 'mainnet' | 'testnet' | 'regtest';
  /** BIP-173 human-readable part of native SegWit addresses. */
  readonly bech32: string;
  /** Base58 version byte of P2PKH addresses. */
  readonly pubKeyHash: number;
  /** Base58 version byte of P2SH addresses. */
  readonly scriptHash: number;
  /** Version byte of WIF private keys. */
  readonly wif: number;
  /** SLIP-44 coin type of the BIP-84 path: 0 for mainnet, 1 for every test network. */
  readonly coinType: 0 | 1;
}

export const BITCOIN_MAINNET: BitcoinNetwork = {
  name: 'mainnet',
  bech32: 'bc',
  pubKeyHash: 0x00,
  scriptHash: 0x05,
  wif: 0x80,
  coinType: 0,
};

export const BITCOIN_TESTNET: BitcoinNetwork = {
  name: 'testnet',
  bech32: 'tb',
  pubKeyHash: 0x6f,
  scriptHash: 0xc4,
  wif: 0xef,
  coinType: 1,
};

/** Regtest as Bitcoin Core runs it. */
export const BITCOIN_REGTEST: BitcoinNetwork = { ...BITCOIN_TESTNET, name: 'regtest', bech32: 'bcrt' };

/** Regtest as bcoin runs it: its own prefix and version bytes. */
export const BCOIN_REGTEST: BitcoinNetwork = {
  name: 'regtest',
  bech32: 'rb',
  pubKeyHash: 0x3c,
  scriptHash: 0x26,
  wif: 0x5a,
  coinType: 1,
};

/** Every network an address is tried against, to tell a wrong-network address from an invalid one. */
export const KNOWN_BITCOIN_NETWORKS: readonly BitcoinNetwork[] = [BITCOIN_MAINNET, BITCOIN_TESTNET, BITCOIN_REGTEST, BCOIN_REGTEST];
