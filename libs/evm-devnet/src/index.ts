export { type EvmDevnet, type EvmDevnetOptions, startEvmDevnet } from './evm-devnet';
export { LOCAL_BRIDGE_KEY, localEvmChain } from './local-chain';
