import { createMnemonic, seedFromMnemonic } from '@coming/identity';
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WalletErrorCode } from '../wallet.errors';
import { AddressChain, Bip84Account } from './bip84-account';
import { BITCOIN_REGTEST } from './bitcoin-network';
import { RBF_SEQUENCE, type SpendableCoin, buildTransaction } from './build-transaction';
import { exportPsbt, finalizePsbt, importPsbt, signPsbt } from './psbt';

const ours = new Bip84Account(seedFromMnemonic(createMnemonic()), BITCOIN_REGTEST);
const theirs = new Bip84Account(seedFromMnemonic(createMnemonic()), BITCOIN_REGTEST);
const payee = theirs.address(AddressChain.Receive, 7);

const coinOf = (account: Bip84Account, amount: bigint): SpendableCoin => ({
  txid: hex.encode(randomBytes(32)),
  vout: 0,
  amount,
  owner: account.address(AddressChain.Receive, 2),
});

const build = (coins: SpendableCoin[]) =>
  buildTransaction({
    payment: { script: payee.script, address: payee.address, amount: 40_000n },
    coins,
    feeRate: 3n,
    change: ours.address(AddressChain.Change, 0),
    fingerprint: ours.fingerprint,
    network: BITCOIN_REGTEST,
  });

describe('PSBT', () => {
  it('round-trips through export and import, then signs and finalizes into a transaction with RBF', () => {
    const built = build([coinOf(ours, 100_000n)]);
    const imported = importPsbt(exportPsbt(built.tx));
    expect(signPsbt(imported, ours)).toBe(1);
    const raw = finalizePsbt(imported);
    const final = Transaction.fromRaw(raw);
    expect(final.id).toBe(imported.id);
    expect(final.id).toBe(built.tx.id);
    expect(final.getInput(0).sequence).toBe(RBF_SEQUENCE);
    expect(final.getInput(0).finalScriptWitness).toHaveLength(2);
    expect(final.getOutput(built.paymentOutputIndex)).toMatchObject({ script: payee.script, amount: 40_000n });
    // The signed size meets the fee rate the fee was chosen for.
    expect(built.fee).toBeGreaterThanOrEqual(BigInt(final.vsize) * 3n);
  });

  it('leaves inputs of another signer for that signer, and a PSBT passed between them finalizes', () => {
    const theirCoin = coinOf(theirs, 25_000n);
    const built = build([coinOf(ours, 25_000n), theirCoin]);
    expect(built.tx.inputsLength).toBe(2);
    // Their input carries their own fingerprint, as their wallet would have written it.
    const theirIndex = [0, 1].find((index) => hex.encode(built.tx.getInput(index).txid ?? new Uint8Array()) === theirCoin.txid) ?? -1;
    built.tx.updateInput(theirIndex, { bip32Derivation: undefined });
    built.tx.updateInput(theirIndex, {
      bip32Derivation: [[theirCoin.owner.publicKey, { fingerprint: theirs.fingerprint, path: theirCoin.owner.path }]],
    });
    const mine = importPsbt(exportPsbt(built.tx));
    expect(signPsbt(mine, ours)).toBe(1);
    expect(() => finalizePsbt(mine)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.InvalidPsbt, message: expect.stringContaining(`input ${theirIndex}`) }),
    );
    const passed = importPsbt(exportPsbt(mine));
    expect(signPsbt(passed, theirs)).toBe(1);
    expect(Transaction.fromRaw(finalizePsbt(passed)).id).toBe(built.tx.id);
  });

  it('signs nothing of a PSBT that is not its own', () => {
    const built = build([coinOf(ours, 100_000n)]);
    expect(signPsbt(importPsbt(exportPsbt(built.tx)), theirs)).toBe(0);
  });

  it.each([
    ['no base64', '%%%'],
    ['base64 of no PSBT', 'aGVsbG8gd29ybGQ='],
  ])('refuses %s', (_, text) => {
    expect(() => importPsbt(text)).toThrow(expect.objectContaining({ code: WalletErrorCode.InvalidPsbt }));
  });
});
