import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { BTC } from '../currency';
import type {
  Balance,
  CurrencyAdapter,
  PaymentClaim,
  PaymentVerification,
  PreparedTransfer,
  SentTransfer,
  TransferOrder,
} from '../currency-adapter';
import { checkMaxFee } from '../fee-limit';
import { type TransferStatus, TransferState } from '../transfer-status';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import { AddressChain, type Bip84Account, type WalletAddress } from './bip84-account';
import { addressOfScript, outputScriptOf } from './bitcoin-address';
import type { BitcoinChainApi } from './bitcoin-chain-api';
import { BitcoinTransfer } from './bitcoin-transfer';
import type { BitcoinWalletState } from './bitcoin-wallet-state';
import { type SpendableCoin, buildTransaction } from './build-transaction';
import { bumpTransaction } from './bump-transaction';
import { finalizePsbt, importPsbt, signPsbt } from './psbt';
import { verifyClaim } from './verify-payment';

/**
 * BIP-44's gap limit: how many addresses past the last one handed out are watched, so that
 * a wallet restored from the mnemonic finds coins sent to addresses it has not reached.
 */
export const GAP_LIMIT = 20;
/** Below what nodes relay (1 sat/vB), a transaction never leaves the mempool of its sender. */
export const MIN_FEE_RATE = 1n;
/** A fee rate this high is a typing mistake, not a wish. */
export const MAX_FEE_RATE = 5_000n;
// The chain service takes at most this many addresses per watch request.
const WATCH_BATCH = 100;
const STILL_PENDING = new Set([TransferState.Broadcast, TransferState.InMempool]);

interface OwnCoin extends SpendableCoin {
  confirmations: number;
}

/**
 * The BIP-84 wallet of the account's mnemonic, as a currency adapter. It builds and signs
 * every transaction itself; the chain service only watches its addresses, lists their
 * coins, estimates fees and broadcasts what is already signed.
 */
export class BitcoinWallet implements CurrencyAdapter {
  readonly currency = BTC;
  // Derived addresses, by chain (receive, change) and index, and by output script (hex):
  // deriving one costs elliptic-curve work, and coins are matched by script.
  private readonly derived: [WalletAddress[], WalletAddress[]] = [[], []];
  private readonly byScript = new Map<string, WalletAddress>();

  constructor(
    private readonly account: Bip84Account,
    private readonly api: BitcoinChainApi,
    private readonly state: BitcoinWalletState,
    private readonly save: () => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  async freshReceiveAddress(): Promise<string> {
    const index = this.state.nextReceiveIndex;
    this.state.nextReceiveIndex += 1;
    await this.save();
    await this.watchUpToGap();
    return this.account.address(AddressChain.Receive, index).address;
  }

  expectPayment(address: string, amount: bigint, expiresAtMs: number | undefined): Promise<void> {
    return this.api.registerRequest(address, amount, expiresAtMs ?? 0);
  }

  async balance(): Promise<Balance> {
    const coins = await this.coins();
    const sum = (confirmed: boolean) =>
      coins.filter(({ confirmations }) => confirmations > 0 === confirmed).reduce((total, { amount }) => total + amount, 0n);
    return { confirmed: sum(true), unconfirmed: sum(false) };
  }

  checkAddress(address: string): void {
    outputScriptOf(address, this.account.network);
  }

  ownsAddress(address: string): boolean {
    return this.ownAddressOf(outputScriptOf(address, this.account.network), AddressChain.Receive) !== undefined;
  }

  async prepare({ to, amount, feeRate, maxFee }: TransferOrder): Promise<PreparedTransfer> {
    const script = outputScriptOf(to, this.account.network);
    const rate = checkFeeRate(feeRate ?? (await this.api.feeRate()));
    // Coins still in the mempool are spent only when they are this wallet's own change: a
    // stranger's unconfirmed payment can still be replaced, and the spend with it.
    const spendable = (await this.coins()).filter(({ confirmations, owner }) => confirmations > 0 || owner.chain === AddressChain.Change);
    const built = buildTransaction({
      payment: { script, address: to, amount },
      coins: spendable,
      feeRate: rate,
      change: this.account.address(AddressChain.Change, this.state.nextChangeIndex),
      fingerprint: this.account.fingerprint,
      network: this.account.network,
    });
    checkMaxFee(BTC, built.fee, maxFee);
    return new BitcoinTransfer(built.tx, to, amount, built.fee, built.paymentOutputIndex);
  }

  async prepareReplacement(transactionId: string, feeRate: bigint): Promise<PreparedTransfer> {
    checkFeeRate(feeRate);
    const pending = this.state.pending.find(({ txid }) => txid === transactionId);
    const [status] = await this.api.statuses([transactionId]);
    if (pending === undefined || status === undefined || !STILL_PENDING.has(status.state)) {
      const state = status === undefined ? '' : ` (it is ${status.state})`;
      throw new WalletError(
        WalletErrorCode.NotReplaceable,
        `${transactionId} is no unconfirmed transaction of this wallet${state}: only those can be replaced`,
      );
    }
    if (pending.psbt === undefined || pending.outputIndex === undefined) {
      throw new WalletError(WalletErrorCode.NotReplaceable, `${transactionId} was sent before this wallet kept what a fee bump needs`);
    }
    const bump = bumpTransaction(importPsbt(pending.psbt), {
      feeRate,
      paymentOutputIndex: pending.outputIndex,
      isChange: (script) => this.ownAddressOf(script, AddressChain.Change) !== undefined,
    });
    const { script, amount } = bump.tx.getOutput(bump.paymentOutputIndex);
    if (script === undefined || amount === undefined)
      throw new WalletError(WalletErrorCode.InvalidPsbt, 'the bumped payment output is empty');
    return new BitcoinTransfer(bump.tx, this.addressOf(script), amount, bump.fee, bump.paymentOutputIndex);
  }

  importTransfer(exported: string): PreparedTransfer {
    const tx = importPsbt(exported);
    // The payee's output is the first that is not this wallet's change.
    for (let index = 0; index < tx.outputsLength; index += 1) {
      const { script, amount } = tx.getOutput(index);
      if (script === undefined || amount === undefined || this.ownAddressOf(script, AddressChain.Change) !== undefined) continue;
      return new BitcoinTransfer(tx, this.addressOf(script), amount, this.feeOf(tx), index);
    }
    throw new WalletError(WalletErrorCode.InvalidPsbt, 'the PSBT pays nobody but this wallet');
  }

  sign(transfer: PreparedTransfer): PreparedTransfer {
    const own = this.bitcoinTransfer(transfer);
    if (signPsbt(own.tx, this.account) === 0 && !own.complete) {
      throw new WalletError(WalletErrorCode.InvalidPsbt, 'the PSBT spends no coin of this wallet: there is nothing here to sign');
    }
    return own;
  }

  async send(transfer: PreparedTransfer): Promise<SentTransfer> {
    const own = this.bitcoinTransfer(transfer);
    // Kept before finalizing, which drops the keys' paths a fee bump signs with again.
    const psbt = own.export();
    const raw = finalizePsbt(own.tx);
    const txid = Transaction.fromRaw(raw).id;
    const spends = Array.from({ length: own.tx.inputsLength }, (_, index) => {
      const input = own.tx.getInput(index);
      return `${hex.encode(input.txid ?? new Uint8Array())}:${input.index}`;
    });
    // Recorded before the broadcast: a crash in between must not let the coins be spent twice.
    this.state.pending.push({ txid, spends, sentAtMs: this.now(), psbt, outputIndex: own.outputIndex });
    this.useChangeOf(own.tx);
    await this.save();
    await this.watchUpToGap();
    const status = await this.api.broadcast(raw).catch(async (error: unknown) => {
      this.state.pending = this.state.pending.filter((pending) => pending.txid !== txid);
      await this.save();
      throw error;
    });
    return { transactionId: txid, outputIndex: own.outputIndex, amount: own.amount, fee: own.fee, status };
  }

  statuses(transactionIds: readonly string[]): Promise<TransferStatus[]> {
    return this.api.statuses(transactionIds);
  }

  async verifyPayment(claim: PaymentClaim): Promise<PaymentVerification> {
    const script = outputScriptOf(claim.address, this.account.network);
    if (this.ownAddressOf(script, AddressChain.Receive) === undefined) {
      return { valid: false, reason: `${claim.address} is no address this wallet handed out` };
    }
    return verifyClaim(claim, script, await this.api.paymentsTo(claim.transactionId, [claim.address]));
  }

  /** This wallet's unspent coins, less those its pending transactions spend; finds coins past the gap as it goes. */
  private async coins(): Promise<OwnCoin[]> {
    await this.forgetSettled();
    const spent = new Set(this.state.pending.flatMap(({ spends }) => spends));
    for (;;) {
      await this.watchUpToGap();
      const watched = [...this.watchedAddresses()];
      const utxos = await this.api.utxos(watched.map(({ address }) => address));
      let advanced = false;
      const coins: OwnCoin[] = [];
      for (const utxo of utxos) {
        const owner = this.ownAddressOf(utxo.script);
        if (owner === undefined || spent.has(`${utxo.txid}:${utxo.vout}`)) continue;
        advanced = this.markUsed(owner) || advanced;
        coins.push({ txid: utxo.txid, vout: utxo.vout, amount: utxo.amount, owner, confirmations: utxo.confirmations });
      }
      // A coin past the last index handed out (a restored wallet) moves the gap on: look again.
      if (!advanced) return coins;
      await this.save();
    }
  }

  /** Drops pending transactions that are confirmed, replaced or dropped: the service's coins say the rest. */
  private async forgetSettled(): Promise<void> {
    if (this.state.pending.length === 0) return;
    const statuses = await this.api.statuses(this.state.pending.map(({ txid }) => txid));
    const open = new Set(statuses.filter(({ state }) => STILL_PENDING.has(state)).map(({ transactionId }) => transactionId));
    const before = this.state.pending.length;
    this.state.pending = this.state.pending.filter(({ txid }) => open.has(txid));
    if (this.state.pending.length !== before) await this.save();
  }

  private markUsed({ chain, index }: WalletAddress): boolean {
    if (chain === AddressChain.Receive && index >= this.state.nextReceiveIndex) {
      this.state.nextReceiveIndex = index + 1;
      return true;
    }
    if (chain === AddressChain.Change && index >= this.state.nextChangeIndex) {
      this.state.nextChangeIndex = index + 1;
      return true;
    }
    return false;
  }

  private useChangeOf(tx: Transaction): void {
    for (let index = 0; index < tx.outputsLength; index += 1) {
      const { script } = tx.getOutput(index);
      const change = script === undefined ? undefined : this.ownAddressOf(script, AddressChain.Change);
      if (change !== undefined) this.markUsed(change);
    }
  }

  /** Registers with the chain service every address up to the gap limit past the next unused one. */
  private async watchUpToGap(): Promise<void> {
    const { state } = this;
    for (const chain of [AddressChain.Receive, AddressChain.Change]) {
      const receive = chain === AddressChain.Receive;
      const watched = receive ? state.watchedReceiveIndex : state.watchedChangeIndex;
      const target = (receive ? state.nextReceiveIndex : state.nextChangeIndex) + GAP_LIMIT;
      for (let from = watched; from < target; from += WATCH_BATCH) {
        const to = Math.min(target, from + WATCH_BATCH);
        const batch = Array.from({ length: to - from }, (_, offset) => this.derive(chain, from + offset).address);
        await this.api.watch(batch);
        if (receive) state.watchedReceiveIndex = to;
        else state.watchedChangeIndex = to;
        await this.save();
      }
    }
  }

  private *watchedAddresses(): Generator<WalletAddress> {
    for (let index = 0; index < this.state.watchedReceiveIndex; index += 1) yield this.derive(AddressChain.Receive, index);
    for (let index = 0; index < this.state.watchedChangeIndex; index += 1) yield this.derive(AddressChain.Change, index);
  }

  /** The watched address of this wallet that `script` pays, if any (of one chain only, when given). */
  private ownAddressOf(script: Uint8Array, chain?: AddressChain): WalletAddress | undefined {
    for (const [own, watched] of [
      [AddressChain.Receive, this.state.watchedReceiveIndex],
      [AddressChain.Change, this.state.watchedChangeIndex],
    ] as const) {
      for (let index = this.derived[own].length; index < watched; index += 1) this.derive(own, index);
    }
    const address = this.byScript.get(hex.encode(script));
    return address === undefined || (chain !== undefined && address.chain !== chain) ? undefined : address;
  }

  private derive(chain: AddressChain, index: number): WalletAddress {
    const addresses = this.derived[chain];
    // Indexes are derived in order, so the cache of a chain is a plain array.
    for (let next = addresses.length; next <= index; next += 1) {
      const address = this.account.address(chain, next);
      addresses.push(address);
      this.byScript.set(hex.encode(address.script), address);
    }
    return addresses[index] as WalletAddress;
  }

  private addressOf(script: Uint8Array): string {
    // An imported PSBT may pay a script with no address form; its hex is all there is to show.
    return addressOfScript(script, this.account.network) ?? hex.encode(script);
  }

  private feeOf(tx: Transaction): bigint {
    try {
      return tx.fee;
    } catch (error) {
      throw new WalletError(WalletErrorCode.InvalidPsbt, 'the PSBT does not give the amount of every input it spends', { cause: error });
    }
  }

  private bitcoinTransfer(transfer: PreparedTransfer): BitcoinTransfer {
    if (!(transfer instanceof BitcoinTransfer)) {
      throw new WalletError(WalletErrorCode.InvalidPsbt, `a ${transfer.currency.symbol} transfer is not for the Bitcoin wallet`);
    }
    return transfer;
  }
}

function checkFeeRate(rate: bigint): bigint {
  if (rate < MIN_FEE_RATE || rate > MAX_FEE_RATE) {
    throw new WalletError(
      WalletErrorCode.InvalidFeeRate,
      `a fee rate of ${rate} sat/vB is outside ${MIN_FEE_RATE}..${MAX_FEE_RATE} sat/vB`,
    );
  }
  return rate;
}
