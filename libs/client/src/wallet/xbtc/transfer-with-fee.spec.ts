import { seedFromMnemonic } from '@coming/identity';
import { type Hex, numberToHex, parseSignature, recoverTypedDataAddress, serializeSignature, verifyTypedData } from 'viem';
import { describe, expect, it } from 'vitest';
import { contractTypedData } from '../../../test/local-xbtc-chain';
import { EvmAccount } from './evm-account';
import { type TransferWithFee, digestOf, signerOf } from './transfer-with-fee';

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const token = { chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } as const;
const payer = new EvmAccount(seedFromMnemonic('test test test test test test test test test test test junk'));
const authorization: TransferWithFee = {
  from: payer.address,
  to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  value: 100_000n,
  fee: 50n,
  validAfter: 0n,
  validBefore: 1_900_000_000n,
  nonce: `0x${'ab'.repeat(32)}`,
};
const signature = payer.signDigest(digestOf(token, authorization));

describe(signerOf.name, () => {
  it("recovers the payer from a signature over the contract's typed data, as viem verifies it", async () => {
    expect(await verifyTypedData({ ...contractTypedData(token, authorization), address: payer.address, signature })).toBe(true);
    expect(signerOf(token, authorization, signature)).toBe(payer.address);
  });

  it('names someone else when any signed field or the domain differs', () => {
    expect(signerOf(token, { ...authorization, fee: 51n }, signature)).not.toBe(payer.address);
    expect(signerOf({ ...token, chainId: 1 }, authorization, signature)).not.toBe(payer.address);
  });

  it('refuses what OpenZeppelin ECDSA refuses: a malleated high-s copy, a v of 0 or 1, a short signature', async () => {
    const { r, s, yParity } = parseSignature(signature);
    const malleated = serializeSignature({ r, s: numberToHex(ORDER - BigInt(s), { size: 32 }), yParity: 1 - (yParity ?? 0) });
    // Plain ecrecover still takes the malleated copy: the refusal is the s check.
    expect(await recoverTypedDataAddress({ ...contractTypedData(token, authorization), signature: malleated })).toBe(payer.address);
    const rawV = `${signature.slice(0, 130)}0${(yParity ?? 0).toString()}` as Hex;
    expect(signerOf(token, authorization, malleated)).toBeUndefined();
    expect(signerOf(token, authorization, rawV)).toBeUndefined();
    expect(signerOf(token, authorization, signature.slice(0, -2) as Hex)).toBeUndefined();
  });
});
