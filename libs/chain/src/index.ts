export * from './addresses';
export * from './chain-backend';
export * from './create-chain-backend';
export * from './esplora-chain-backend';
export * from './json-rpc-chain-backend';
export * from './networks';
export * from './transactions';
