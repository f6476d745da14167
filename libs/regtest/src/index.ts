export * from './regtest-node';
export * from './regtest-wallet';
