import type { Address, Hex } from 'viem';

/**
 * The EIP-712 message an X-BTC sender signs (libs/xbtc/contracts/XBTC.sol): pay `to`
 * `value` and whoever submits it `fee`, both in satoshi units, strictly between
 * `validAfter` and `validBefore` (unix seconds), once (`nonce`, 32 random bytes).
 */
export interface TransferWithFee {
  from: Address;
  to: Address;
  value: bigint;
  fee: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: Hex;
}

export const TRANSFER_WITH_FEE_TYPES = {
  TransferWithFee: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'fee', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
} as const;

/** The token's EIP-712 domain: a signature is good for one token on one chain only. */
export function xbtcDomain(chainId: number, token: Address) {
  return { name: 'X-BTC', version: '1', chainId, verifyingContract: token } as const;
}
