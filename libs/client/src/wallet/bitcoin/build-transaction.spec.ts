import { hex } from '@scure/base';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WalletErrorCode } from '../wallet.errors';
import { AddressChain } from './bip84-account';
import { BCOIN_REGTEST } from './bitcoin-network';
import { specAccount, specChange, specPayee } from './spec-wallets';
import { RBF_SEQUENCE, type SpendableCoin, buildTransaction } from './build-transaction';

const [account, payee, change] = [specAccount, specPayee, specChange];

const coin = (amount: bigint, index = 0): SpendableCoin => ({
  txid: hex.encode(randomBytes(32)),
  vout: 1,
  amount,
  owner: account.address(AddressChain.Receive, index),
});

const order = (amount: bigint, coins: SpendableCoin[], feeRate = 2n) => ({
  payment: { script: payee.script, address: payee.address, amount },
  coins,
  feeRate,
  change,
  fingerprint: account.fingerprint,
  network: BCOIN_REGTEST,
});

describe(buildTransaction.name, () => {
  it('pays the amount, returns the rest as change, and the fee is what inputs leave over at the rate', () => {
    const built = buildTransaction(order(100_000n, [coin(1_000_000n)], 2n));
    const { tx } = built;
    expect(tx.getOutput(built.paymentOutputIndex)).toMatchObject({ script: payee.script, amount: 100_000n });
    expect(built.changeAmount).toBe(1_000_000n - 100_000n - built.fee);
    expect(tx.fee).toBe(built.fee);
    // One P2WPKH input, two P2WPKH outputs: 141 vB once signed; the rate is met, not much exceeded.
    expect(built.fee).toBeGreaterThanOrEqual(141n * 2n);
    expect(built.fee).toBeLessThan(150n * 2n);
  });

  it('signals replace-by-fee on every input and names the keys of inputs and change for any signer', () => {
    const built = buildTransaction(order(500_000n, [coin(300_000n, 0), coin(300_000n, 1)]));
    expect(built.tx.inputsLength).toBe(2);
    for (let index = 0; index < built.tx.inputsLength; index += 1) {
      const input = built.tx.getInput(index);
      expect(input.sequence).toBe(RBF_SEQUENCE);
      expect(input.bip32Derivation?.[0]?.[1].fingerprint).toBe(account.fingerprint);
    }
    const changeOutput = built.tx.getOutput(1 - built.paymentOutputIndex);
    expect(changeOutput.bip32Derivation?.[0]?.[1].path).toEqual(change.path);
  });

  it('leaves change that would be dust to the fee', () => {
    const built = buildTransaction(order(100_000n, [coin(100_300n)], 1n));
    expect(built.tx.outputsLength).toBe(1);
    expect(built.changeAmount).toBeUndefined();
    expect(built.fee).toBe(300n);
  });

  it('refuses a dust payment, naming the amount and the threshold', () => {
    expect(() => buildTransaction(order(293n, [coin(1_000_000n)]))).toThrow(
      expect.objectContaining({ code: WalletErrorCode.Dust, message: expect.stringMatching(/^293 sat is dust.* below 294 sat/) }),
    );
  });

  it('refuses a payment the balance covers but not with its fee, giving every amount', () => {
    // Sweeping one P2WPKH coin to one P2WPKH output is 110 vB: 220 sat at 2 sat/vB.
    expect(() => buildTransaction(order(100_000n, [coin(100_100n)], 2n))).toThrow(
      expect.objectContaining({
        code: WalletErrorCode.InsufficientFunds,
        message:
          'insufficient funds: paying 100000 sat needs 100220 sat (100000 sat + about 220 sat fee at 2 sat/vB); ' +
          'the spendable balance is 100100 sat, enough for at most 99880 sat after the fee',
      }),
    );
  });

  it('refuses a payment with no coins at all', () => {
    expect(() => buildTransaction(order(100_000n, []))).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InsufficientFunds, message: expect.stringContaining('balance is 0 sat') }),
    );
  });
});
