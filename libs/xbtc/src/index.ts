export { XBTC_ABI, XBTC_BYTECODE } from './generated/xbtc-contract';
export { TRANSFER_WITH_FEE_TYPES, type TransferWithFee, xbtcDomain } from './transfer-with-fee';
export { LOCAL_EVM_CHAIN_ID, LOCAL_EVM_PORT, LOCAL_XBTC_ADDRESS } from './local-chain';
