import { hex } from '@scure/base';
import { equalBytes } from '@scure/btc-signer/utils.js';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WalletErrorCode } from '../wallet.errors';
import { AddressChain } from './bip84-account';
import { BCOIN_REGTEST } from './bitcoin-network';
import { specAccount, specChange, specPayee } from './spec-wallets';
import { RBF_SEQUENCE, buildTransaction } from './build-transaction';
import { bumpTransaction } from './bump-transaction';

const [account, payee, change] = [specAccount, specPayee, specChange];
const isChange = (script: Uint8Array) => equalBytes(script, change.script);

/** A payment of `amount` from one coin of `coinAmount` at `feeRate`, as the wallet builds it. */
function payment(amount: bigint, coinAmount: bigint, feeRate = 1n) {
  return buildTransaction({
    payment: { script: payee.script, address: payee.address, amount },
    coins: [{ txid: hex.encode(randomBytes(32)), vout: 0, amount: coinAmount, owner: account.address(AddressChain.Receive, 0) }],
    feeRate,
    change,
    fingerprint: account.fingerprint,
    network: BCOIN_REGTEST,
  });
}

describe(bumpTransaction.name, () => {
  it('spends the same coin, pays the payee the same, and takes the higher fee from the change', () => {
    const original = payment(100_000n, 1_000_000n);
    const bump = bumpTransaction(original.tx, { feeRate: 10n, paymentOutputIndex: original.paymentOutputIndex, isChange });
    expect(bump.tx.getInput(0)).toMatchObject({ txid: original.tx.getInput(0).txid, index: 0, sequence: RBF_SEQUENCE });
    expect(bump.tx.getOutput(bump.paymentOutputIndex)).toMatchObject({ script: payee.script, amount: 100_000n });
    expect(bump.tx.fee).toBe(bump.fee);
    // 141 vB once signed (one input, two outputs); the estimate may round up a little.
    expect(bump.fee).toBeGreaterThanOrEqual(141n * 10n);
    expect(bump.fee).toBeLessThan(150n * 10n);
    // BIP-125: at least the old fee plus the replacement's own size at 1 sat/vB.
    expect(bump.fee).toBeGreaterThanOrEqual(original.fee + 141n);
  });

  it('refuses a rate that is not above the one it pays, naming both', () => {
    const original = payment(100_000n, 1_000_000n, 5n);
    const bump = () => bumpTransaction(original.tx, { feeRate: 5n, paymentOutputIndex: original.paymentOutputIndex, isChange });
    expect(bump).toThrow(
      expect.objectContaining({
        code: WalletErrorCode.InvalidFeeRate,
        message: expect.stringMatching(/5 sat\/vB.*already pays about 5 sat\/vB/),
      }),
    );
  });

  it('gives a change left below dust to the fee, and says what is missing when the change cannot pay', () => {
    // 2,000 sat of change: a bump to 14 sat/vB leaves less than dust of it, to 30 sat/vB not enough at all.
    const original = payment(100_000n, 102_000n + 141n);
    expect(original.changeAmount).toBeGreaterThan(1_500n);
    const dusty = bumpTransaction(original.tx, { feeRate: 14n, paymentOutputIndex: original.paymentOutputIndex, isChange });
    expect(dusty.tx.outputsLength).toBe(1);
    expect(dusty.tx.getOutput(dusty.paymentOutputIndex)).toMatchObject({ script: payee.script, amount: 100_000n });
    expect(dusty.fee).toBe(2_141n);
    const tooMuch = () => bumpTransaction(original.tx, { feeRate: 30n, paymentOutputIndex: original.paymentOutputIndex, isChange });
    expect(tooMuch).toThrow(
      expect.objectContaining({
        code: WalletErrorCode.InsufficientFunds,
        message: expect.stringMatching(/costs \d+ sat more.*change is only \d+ sat/),
      }),
    );
  });
});
