import type { Address } from 'viem';

/** hardhat's chain ID, which `npm run evm`'s local chain keeps. */
export const LOCAL_EVM_CHAIN_ID = 31337;
/** Where `npm run evm` serves the local chain's JSON-RPC on loopback. */
export const LOCAL_EVM_PORT = 8545;
/** X-BTC's address on a fresh local chain: the bridge stand-in's first deployment (nonce 0). */
export const LOCAL_XBTC_ADDRESS: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
