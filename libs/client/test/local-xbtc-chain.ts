import { randomBytes } from 'node:crypto';
import { type Address, type Hash, type Hex, bytesToHex, getAddress, hexToBigInt, parseSignature, recoverTypedDataAddress } from 'viem';
import { TransferState, type TransferStatus } from '../src/wallet/transfer-status';
import { WalletError, WalletErrorCode } from '../src/wallet/wallet.errors';
import type { TransferWithFee } from '../src/wallet/xbtc/transfer-with-fee';
import type { XbtcChainApi, XbtcToken, XbtcTransfersTo } from '../src/wallet/xbtc/xbtc-chain-api';

/**
 * The token contract's EIP-712 definition, written out here as the contract states it and
 * not taken from the wallet's code, so that the specs check the wallet against it.
 */
export function contractTypedData(token: XbtcToken, message: TransferWithFee) {
  return {
    domain: { name: 'X-BTC', version: '1', chainId: token.chainId, verifyingContract: token.address },
    types: {
      TransferWithFee: [
        { name: 'from', type: 'address' },
        { name: 'to', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'fee', type: 'uint256' },
        { name: 'validAfter', type: 'uint256' },
        { name: 'validBefore', type: 'uint256' },
        { name: 'nonce', type: 'bytes32' },
      ],
    },
    primaryType: 'TransferWithFee',
    message,
  } as const;
}

// secp256k1's group order over two: OpenZeppelin's ECDSA refuses an s above it.
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

interface Relayed {
  authorization: TransferWithFee;
  /** 0 while in the mempool. */
  confirmations: number;
}

/**
 * An X-BTC chain in memory for unit specs of the wallet. A relay is checked the way the
 * token contract's transferWithFee checks it (the signature recovers to `from` over the
 * contract's typed data, the nonce is unused, the time is strictly inside the window, the
 * balance covers value plus fee), against the balances once the mempool is mined, and
 * waits in the mempool until `mine()`. Balances are those of the latest block.
 */
export class LocalXbtcChain implements XbtcChainApi {
  readonly watched = new Set<string>();
  readonly requests: { address: string; amount: bigint; expiresAtMs: number }[] = [];
  /** Who relays, and is paid the fees. */
  readonly relayer: Address = getAddress(bytesToHex(randomBytes(20)));
  feeQuoteSat = 50n;
  private readonly balances = new Map<string, bigint>();
  private readonly transactions = new Map<Hash, Relayed>();
  private readonly usedNonces = new Set<string>();

  constructor(
    readonly token: XbtcToken,
    /** The latest block's time, unix seconds. */
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Tokens from nowhere, as the bridge mints them. */
  mint(address: string, amount: bigint): void {
    this.credit(address, amount);
  }

  /** Mines a block: the mempool's transfers move their tokens, and everything earlier gets one confirmation deeper. */
  mine(): void {
    for (const relayed of this.transactions.values()) {
      if (relayed.confirmations === 0) this.apply(relayed.authorization);
      relayed.confirmations += 1;
    }
  }

  /** The contract's authorizationState: whether `authorizer` used `nonce`, mempool included. */
  authorizationState(authorizer: string, nonce: Hex): boolean {
    return this.usedNonces.has(`${authorizer.toLowerCase()}:${nonce.toLowerCase()}`);
  }

  tokenInfo(): Promise<XbtcToken> {
    return Promise.resolve(this.token);
  }

  watch(addresses: readonly string[]): Promise<void> {
    for (const address of addresses) this.watched.add(address);
    return Promise.resolve();
  }

  balanceOf(address: string): Promise<bigint> {
    return Promise.resolve(this.balanceAt(address));
  }

  feeQuote(): Promise<bigint> {
    return Promise.resolve(this.feeQuoteSat);
  }

  async relay(authorization: TransferWithFee, signature: Hex): Promise<TransferStatus> {
    const { from, value, fee, validAfter, validBefore, nonce } = authorization;
    const now = BigInt(this.nowSeconds());
    if (now <= validAfter) return refused('authorization is not yet valid');
    if (now >= validBefore) return refused('authorization is expired');
    if (this.authorizationState(from, nonce)) return refused('authorization is used');
    if (hexToBigInt(parseSignature(signature).s) > HALF_ORDER) return refused('invalid signature s value');
    const signer = await recoverTypedDataAddress({ ...contractTypedData(this.token, authorization), signature });
    if (signer.toLowerCase() !== from.toLowerCase()) return refused('invalid signature');
    if (this.balanceAt(from) - this.mempoolDebitOf(from) < value + fee) return refused('transfer amount exceeds balance');
    this.usedNonces.add(`${from.toLowerCase()}:${nonce.toLowerCase()}`);
    const transactionId = bytesToHex(randomBytes(32));
    this.transactions.set(transactionId, { authorization, confirmations: 0 });
    return { transactionId, state: TransferState.InMempool, confirmations: 0 };
  }

  statuses(transactionIds: readonly string[]): Promise<TransferStatus[]> {
    return Promise.resolve(
      transactionIds.flatMap((transactionId) => {
        const relayed = this.transactions.get(transactionId as Hash);
        if (relayed === undefined) return [];
        const state = relayed.confirmations > 0 ? TransferState.Confirmed : TransferState.InMempool;
        return [{ transactionId, state, confirmations: relayed.confirmations }];
      }),
    );
  }

  transfersTo(transactionId: string, address: string): Promise<XbtcTransfersTo | undefined> {
    const relayed = this.transactions.get(transactionId as Hash);
    if (relayed === undefined) return Promise.resolve(undefined);
    const { to, value, fee } = relayed.authorization;
    // The contract's two Transfer events: to the payee, then the fee to the relayer.
    const events = [
      { to, value },
      { to: this.relayer, value: fee },
    ];
    const values = events.filter((event) => event.to.toLowerCase() === address.toLowerCase()).map((event) => event.value);
    return Promise.resolve({ transactionId: transactionId as Hash, confirmations: relayed.confirmations, values });
  }

  registerRequest(address: string, amount: bigint, expiresAtMs: number): Promise<void> {
    this.requests.push({ address, amount, expiresAtMs });
    return Promise.resolve();
  }

  private apply({ from, to, value, fee }: TransferWithFee): void {
    this.credit(from, -(value + fee));
    this.credit(to, value);
    this.credit(this.relayer, fee);
  }

  private credit(address: string, amount: bigint): void {
    this.balances.set(address.toLowerCase(), this.balanceAt(address) + amount);
  }

  private balanceAt(address: string): bigint {
    return this.balances.get(address.toLowerCase()) ?? 0n;
  }

  private mempoolDebitOf(address: string): bigint {
    let debit = 0n;
    for (const { authorization, confirmations } of this.transactions.values()) {
      if (confirmations === 0 && authorization.from.toLowerCase() === address.toLowerCase())
        debit += authorization.value + authorization.fee;
    }
    return debit;
  }
}

function refused(reason: string): Promise<never> {
  return Promise.reject(new WalletError(WalletErrorCode.BroadcastRejected, `the relayer refused the transfer: ${reason}`));
}
