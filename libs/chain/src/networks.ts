/** The Bitcoin networks a deployment can run on (COMING_NETWORK). */
export const NETWORK_NAMES = ['mainnet', 'testnet', 'regtest'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

/** The node software behind a backend, where it changes address parameters or RPC details. */
export type NodeSoftware = 'bitcoin-core' | 'bcoin';

/**
 * How a network spells its addresses and keys. The shape matches @scure/btc-signer's
 * network objects, so these can be handed to it as they are. Callers take them from here
 * (or from the payments service's ChainInfo) and never hard-code a prefix: a bcoin regtest
 * and a Bitcoin Core regtest share a chain format but not their address prefixes.
 */
export interface NetworkParameters {
  network: NetworkName;
  /** Human-readable part of SegWit (bech32 / bech32m) addresses. */
  bech32: string;
  /** Version byte of base58 P2PKH addresses. */
  pubKeyHash: number;
  /** Version byte of base58 P2SH addresses. */
  scriptHash: number;
  /** Version byte of WIF private keys (used by clients only; the server never sees a key). */
  wif: number;
}

const mainnet: NetworkParameters = { network: 'mainnet', bech32: 'bc', pubKeyHash: 0x00, scriptHash: 0x05, wif: 0x80 };
const testnet: NetworkParameters = { network: 'testnet', bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };

/** Parameters as Bitcoin Core (and Esplora, electrs, rust-bitcoin) use them. */
export const bitcoinCoreNetworks: Readonly<Record<NetworkName, NetworkParameters>> = {
  mainnet,
  testnet,
  regtest: { network: 'regtest', bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
};

/** Parameters as bcoin uses them: only its regtest differs from Bitcoin Core's. */
export const bcoinNetworks: Readonly<Record<NetworkName, NetworkParameters>> = {
  mainnet,
  testnet,
  regtest: { network: 'regtest', bech32: 'rb', pubKeyHash: 0x3c, scriptHash: 0x26, wif: 0x5a },
};

/** The address parameters of `network` as the given node software spells them. */
export function networkParameters(network: NetworkName, software: NodeSoftware): NetworkParameters {
  return (software === 'bcoin' ? bcoinNetworks : bitcoinCoreNetworks)[network];
}

/**
 * Genesis block hashes (as block explorers show them) by network: how a service tells which
 * chain a backend follows, whatever the backend calls it. Testnet is testnet3 or testnet4;
 * bcoin's regtest has Bitcoin Core's genesis block.
 */
const GENESIS_BLOCK_HASHES: Readonly<Record<NetworkName, readonly string[]>> = {
  mainnet: ['000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f'],
  testnet: [
    '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
    '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  ],
  regtest: ['0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206'],
};

/** The network whose genesis block this is; undefined for any other chain (signet, a foreign coin). */
export function networkOfGenesis(genesisBlockHash: string): NetworkName | undefined {
  return NETWORK_NAMES.find((network) => GENESIS_BLOCK_HASHES[network].includes(genesisBlockHash.toLowerCase()));
}

/** Where `npm run regtest`'s node listens: what a deployment on regtest uses when no backend is configured. */
export const LOCAL_REGTEST_PORT = 18443;
/** Its API key: a loopback regtest chain holds nothing of value. */
export const LOCAL_REGTEST_API_KEY = 'regtest';
export const LOCAL_REGTEST_URL = `http://coming:${LOCAL_REGTEST_API_KEY}@127.0.0.1:${LOCAL_REGTEST_PORT}`;
