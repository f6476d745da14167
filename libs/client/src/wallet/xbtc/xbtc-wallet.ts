import { randomBytes } from 'node:crypto';
import { bytesToHex } from 'viem';
import { XBTC } from '../currency';
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
import type { EvmAccount } from './evm-account';
import { checkEvmAddress, sameEvmAddress } from './evm-address';
import { importTransfer } from './transfer-json';
import { digestOf } from './transfer-with-fee';
import type { XbtcChainApi, XbtcToken } from './xbtc-chain-api';
import { XbtcTransfer } from './xbtc-transfer';
import type { PendingAuthorization, XbtcWalletState } from './xbtc-wallet-state';

/**
 * How long a signed authorization stays usable: long enough for another signer and the
 * relayer, short enough that one never relayed soon stops being a cheque anyone holding it
 * could cash.
 */
export const AUTHORIZATION_LIFETIME_S = 60 * 60;
/**
 * The most fee a transfer pays unless the order sets `maxFee`: the relayer's quote comes
 * from the server, and a quote above this is a broken or greedy relayer, not a price.
 */
export const DEFAULT_MAX_FEE = 10_000n;
const STILL_PENDING = new Set([TransferState.Broadcast, TransferState.InMempool]);

/**
 * The X-BTC wallet of the account's mnemonic, as a currency adapter. It signs every
 * authorization itself; the chain service only reads balances, quotes the relayer's fee,
 * relays what is already signed and reports on transactions.
 */
export class XbtcWallet implements CurrencyAdapter {
  readonly currency = XBTC;
  private tokenChecked = false;

  constructor(
    private readonly account: EvmAccount,
    private readonly token: XbtcToken,
    private readonly api: XbtcChainApi,
    private readonly state: XbtcWalletState,
    private readonly save: () => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The wallet's one address, every time. X-BTC sits in an account, not in coins, so there
   * is no fresh address to hand out. Where BTC gives each payer an address of their own,
   * here every payer learns the same one, and with it, on a public chain, this wallet's
   * whole history and balance; and all payments to it link to each other.
   */
  async freshReceiveAddress(): Promise<string> {
    if (!this.state.watched) {
      await this.api.watch([this.account.address]);
      this.state.watched = true;
      await this.save();
    }
    return this.account.address;
  }

  expectPayment(address: string, amount: bigint, expiresAtMs: number | undefined): Promise<void> {
    return this.api.registerRequest(address, amount, expiresAtMs ?? 0);
  }

  async balance(): Promise<Balance> {
    // Settled transfers are forgotten before the balance is read: one that lands in a block
    // between the two reads then counts twice (too low a balance), never not at all.
    const pending = await this.pendingDebit();
    return { confirmed: await this.api.balanceOf(this.account.address), unconfirmed: -pending };
  }

  checkAddress(address: string): void {
    checkEvmAddress(address);
  }

  ownsAddress(address: string): boolean {
    return sameEvmAddress(address, this.account.address);
  }

  async prepare({ to, amount, feeRate, maxFee }: TransferOrder): Promise<PreparedTransfer> {
    const payee = checkEvmAddress(to);
    if (amount <= 0n) throw new WalletError(WalletErrorCode.InvalidAmount, `${amount} sat is no amount to send: it must be positive`);
    await this.checkToken();
    const fee = feeRate ?? (await this.api.feeQuote());
    if (fee < 0n) throw new WalletError(WalletErrorCode.InvalidFeeRate, `a fee of ${fee} sat is negative`);
    checkMaxFee(XBTC, fee, maxFee ?? DEFAULT_MAX_FEE);
    const { confirmed, unconfirmed } = await this.balance();
    const spendable = confirmed + unconfirmed;
    if (spendable < amount + fee) {
      const most = spendable <= fee ? 'not even the fee' : `at most ${spendable - fee} sat after the fee`;
      throw new WalletError(
        WalletErrorCode.InsufficientFunds,
        `insufficient funds: paying ${amount} sat needs ${amount + fee} sat (${amount} sat + ${fee} sat relayer fee); the spendable balance is ${spendable} sat, enough for ${most}`,
      );
    }
    return new XbtcTransfer(this.token, {
      from: this.account.address,
      to: payee,
      value: amount,
      fee,
      // Valid from the start of time: a lower bound would tell the chain this device's clock.
      validAfter: 0n,
      validBefore: BigInt(this.nowSeconds() + AUTHORIZATION_LIFETIME_S),
      nonce: bytesToHex(randomBytes(32)),
    });
  }

  prepareReplacement(transactionId: string): Promise<PreparedTransfer> {
    return Promise.reject(
      new WalletError(
        WalletErrorCode.NotReplaceable,
        `${transactionId} is an X-BTC transfer, which cannot be replaced: the relayer sets its gas price, and a second authorization would be a second payment`,
      ),
    );
  }

  importTransfer(exported: string): PreparedTransfer {
    const { token, authorization, signature } = importTransfer(exported);
    return new XbtcTransfer(token, authorization, signature);
  }

  sign(transfer: PreparedTransfer): PreparedTransfer {
    const own = this.ownTransfer(transfer);
    if (own.complete) return own;
    return new XbtcTransfer(own.token, own.authorization, this.account.signDigest(digestOf(own.token, own.authorization)));
  }

  async send(transfer: PreparedTransfer): Promise<SentTransfer> {
    const { authorization, signature } = this.ownTransfer(transfer);
    if (signature === undefined)
      throw new WalletError(WalletErrorCode.InvalidAuthorization, 'the X-BTC transfer is not signed: sign it first');
    if (BigInt(this.nowSeconds()) >= authorization.validBefore) {
      const expiredAt = new Date(Number(authorization.validBefore) * 1000).toISOString();
      throw new WalletError(WalletErrorCode.InvalidAuthorization, `the X-BTC transfer expired at ${expiredAt}: prepare it again`);
    }
    // Recorded before the relay: if this client stops in between, the debit still counts until the authorization expires.
    const pending: PendingAuthorization = {
      nonce: authorization.nonce,
      debit: (authorization.value + authorization.fee).toString(),
      validBefore: Number(authorization.validBefore),
    };
    this.state.pending.push(pending);
    await this.save();
    let status: TransferStatus;
    try {
      status = await this.api.relay(authorization, signature);
    } catch (error) {
      // Only a refusal says the relayer will not submit it; after any other failure it may have.
      if (error instanceof WalletError && error.code === WalletErrorCode.BroadcastRejected) {
        this.state.pending = this.state.pending.filter((entry) => entry !== pending);
        await this.save();
      }
      throw error;
    }
    pending.transactionId = status.transactionId;
    await this.save();
    return { transactionId: status.transactionId, outputIndex: 0, amount: authorization.value, fee: authorization.fee, status };
  }

  statuses(transactionIds: readonly string[]): Promise<TransferStatus[]> {
    return this.api.statuses(transactionIds);
  }

  /**
   * Whether the claimed transaction's Transfer events pay this wallet's address at least
   * the amount stated. Since the address is reused, an old transfer to it would also pass:
   * that one transaction answers one request only is for the caller to keep.
   */
  async verifyPayment({ transactionId, amount, address }: PaymentClaim): Promise<PaymentVerification> {
    if (!this.ownsAddress(address)) return { valid: false, reason: `${address} is not this wallet's address` };
    const found = await this.api.transfersTo(transactionId, this.account.address);
    if (found === undefined) return { valid: false, reason: `unknown transaction: the chain shows no transaction ${transactionId}` };
    const paid = found.values.reduce((total, value) => total + value, 0n);
    if (paid < amount) {
      return {
        valid: false,
        reason: `wrong amount: ${transactionId} transfers ${paid} sat to ${this.account.address}, less than the ${amount} sat stated`,
      };
    }
    return { valid: true, confirmations: found.confirmations };
  }

  /** What this wallet's transfers not yet in a block will take from the balance. */
  private async pendingDebit(): Promise<bigint> {
    await this.forgetSettled();
    return this.state.pending.reduce((total, { debit }) => total + BigInt(debit), 0n);
  }

  /**
   * Forgets pending transfers that are in a block (the balance holds them now) or can no
   * longer be. Until then an authorization the relayer holds may still go through, whatever
   * became of one transaction that carried it, so it counts until it expires.
   */
  private async forgetSettled(): Promise<void> {
    if (this.state.pending.length === 0) return;
    const relayed = this.state.pending.flatMap(({ transactionId }) => (transactionId === undefined ? [] : [transactionId]));
    const states = new Map(
      (relayed.length === 0 ? [] : await this.api.statuses(relayed)).map(({ transactionId, state }) => [transactionId, state]),
    );
    const nowSeconds = this.nowSeconds();
    const open = ({ transactionId, validBefore }: PendingAuthorization) => {
      const state = transactionId === undefined ? undefined : states.get(transactionId);
      if (state === TransferState.Confirmed) return false;
      return (state !== undefined && STILL_PENDING.has(state)) || validBefore > nowSeconds;
    };
    const before = this.state.pending.length;
    this.state.pending = this.state.pending.filter(open);
    if (this.state.pending.length !== before) await this.save();
  }

  /** Refuses, until it has once agreed, a chain service that serves another X-BTC than this wallet's. */
  private async checkToken(): Promise<void> {
    if (this.tokenChecked) return;
    const served = await this.api.tokenInfo();
    this.checkSameToken(served, 'the chain service serves');
    this.tokenChecked = true;
  }

  /** The transfer as this wallet's own: an X-BTC transfer of its token, spending from its address. */
  private ownTransfer(transfer: PreparedTransfer): XbtcTransfer {
    if (!(transfer instanceof XbtcTransfer)) {
      throw new WalletError(WalletErrorCode.InvalidAuthorization, `a ${transfer.currency.symbol} transfer is not for the X-BTC wallet`);
    }
    this.checkSameToken(transfer.token, 'the transfer is for');
    if (!sameEvmAddress(transfer.authorization.from, this.account.address)) {
      throw new WalletError(
        WalletErrorCode.InvalidAuthorization,
        `the transfer spends from ${transfer.authorization.from}, not from this wallet's ${this.account.address}`,
      );
    }
    return transfer;
  }

  private checkSameToken({ chainId, address }: XbtcToken, what: string): void {
    if (chainId === this.token.chainId && sameEvmAddress(address, this.token.address)) return;
    throw new WalletError(
      WalletErrorCode.WrongNetwork,
      `${what} X-BTC at ${address} on chain ${chainId}; this wallet's is at ${this.token.address} on chain ${this.token.chainId}`,
    );
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
