import { base64 } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import type { Bip84Account } from './bip84-account';

/** A PSBT (BIP-174) as text, base64, the form wallets and hardware signers exchange. */
export function exportPsbt(tx: Transaction): string {
  return base64.encode(tx.toPSBT());
}

/** Reads a base64 PSBT; throws INVALID_PSBT saying why it could not. */
export function importPsbt(text: string): Transaction {
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(text.trim());
  } catch (error) {
    throw new WalletError(WalletErrorCode.InvalidPsbt, 'the PSBT is not base64 text', { cause: error });
  }
  try {
    return Transaction.fromPSBT(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WalletError(WalletErrorCode.InvalidPsbt, `the PSBT cannot be read: ${reason}`, { cause: error });
  }
}

/**
 * Signs every input whose BIP-32 derivation names this wallet's master fingerprint and a
 * path of its BIP-84 account; inputs of other signers are left for them. Returns how many
 * inputs it signed. The keys are derived here and used here: they never leave the client.
 */
export function signPsbt(tx: Transaction, account: Bip84Account): number {
  let signed = 0;
  for (let index = 0; index < tx.inputsLength; index += 1) {
    for (const [, { fingerprint, path }] of tx.getInput(index).bip32Derivation ?? []) {
      if (fingerprint !== account.fingerprint) continue;
      const privateKey = account.privateKey(path);
      if (privateKey !== undefined && tx.signIdx(privateKey, index)) signed += 1;
    }
  }
  return signed;
}

/** Finalizes a fully signed PSBT into the raw transaction to broadcast; INVALID_PSBT names an input still unsigned. */
export function finalizePsbt(tx: Transaction): Uint8Array {
  for (let index = 0; index < tx.inputsLength; index += 1) {
    // An input finalized before (by another signer, or an earlier attempt) has no partial signatures left to finalize.
    if (tx.getInput(index).finalScriptWitness !== undefined) continue;
    try {
      tx.finalizeIdx(index);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new WalletError(WalletErrorCode.InvalidPsbt, `input ${index} cannot be finalized (is it signed?): ${reason}`, {
        cause: error,
      });
    }
  }
  return tx.extract();
}
