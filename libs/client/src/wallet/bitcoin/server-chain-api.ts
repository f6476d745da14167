import { payments, type wire } from '@coming/proto';
import { answerOf, type DeviceRequest } from '../../devices/device-request';
import { TransferState, type TransferStatus } from '../transfer-status';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import type { BitcoinChainApi, ChainPayment, ChainUtxo } from './bitcoin-chain-api';
import { type BitcoinNetwork, KNOWN_BITCOIN_NETWORKS } from './bitcoin-network';

const { PaymentState } = payments;

/** The service answers about at most this many transactions per request. */
const MAX_TXIDS_PER_ASK = 100;

const STATES: Readonly<Record<number, TransferState>> = {
  [PaymentState.PAYMENT_STATE_REQUESTED]: TransferState.Requested,
  [PaymentState.PAYMENT_STATE_BROADCAST]: TransferState.Broadcast,
  [PaymentState.PAYMENT_STATE_IN_MEMPOOL]: TransferState.InMempool,
  [PaymentState.PAYMENT_STATE_CONFIRMED]: TransferState.Confirmed,
  [PaymentState.PAYMENT_STATE_REPLACED]: TransferState.Replaced,
  [PaymentState.PAYMENT_STATE_DROPPED]: TransferState.Dropped,
  [PaymentState.PAYMENT_STATE_EXPIRED]: TransferState.Expired,
};

/** The service's state in the wallet's one model; undefined for a state this client does not know (a newer server). */
export function transferStateOf(state: payments.PaymentState): TransferState | undefined {
  return STATES[state];
}

/** The service's status in the wallet's one model; undefined for a state this client does not know (a newer server). */
export function transferStatusOf(status: payments.PaymentStatus): TransferStatus | undefined {
  const state = transferStateOf(status.state);
  if (state === undefined) return undefined;
  return {
    transactionId: status.txid,
    state,
    confirmations: status.confirmations,
    ...(status.replacedByTxid === '' ? {} : { replacedBy: status.replacedByTxid }),
  };
}

/**
 * The Bitcoin network whose bech32 prefix the server's chain uses ("rb" on a bcoin regtest,
 * "bcrt" on Core's). Refuses a prefix this client has no parameters for rather than guess.
 */
export function networkOfPrefix(bech32Prefix: string): BitcoinNetwork {
  const network = KNOWN_BITCOIN_NETWORKS.find(({ bech32 }) => bech32 === bech32Prefix);
  if (network === undefined) {
    const known = KNOWN_BITCOIN_NETWORKS.map(({ bech32 }) => bech32).join(', ');
    throw new WalletError(WalletErrorCode.WrongNetwork, `the server's chain uses bech32 prefix "${bech32Prefix}", none of ${known}`);
  }
  return network;
}

/**
 * The payments service, reached through the gateway connection: the wallet's chain. Each
 * method is one request frame; the service answers only about this account's addresses.
 */
export class ServerChainApi implements BitcoinChainApi {
  constructor(private readonly request: () => Promise<DeviceRequest>) {}

  /** The network of the server's chain, from its address prefix. */
  async network(): Promise<BitcoinNetwork> {
    return networkOfPrefix(answerOf(await this.ask({ getChainInfo: {} }), 'getChainInfo').bech32Prefix);
  }

  async watch(addresses: readonly string[]): Promise<void> {
    await this.ask({ watchAddresses: { addresses: [...addresses] } });
  }

  async utxos(addresses: readonly string[]): Promise<ChainUtxo[]> {
    // An empty list means "every watched address" to the service: the wallet asking about none wants none.
    if (addresses.length === 0) return [];
    const { utxos } = answerOf(await this.ask({ getUtxos: { addresses: [...addresses], minConfirmations: 0 } }), 'getUtxos');
    return utxos.map(({ txid, vout, scriptPubkey, valueSat, confirmations }) => ({
      txid,
      vout,
      script: scriptPubkey,
      amount: BigInt(valueSat),
      confirmations,
    }));
  }

  async feeRate(targetBlocks = 0): Promise<bigint> {
    return BigInt(answerOf(await this.ask({ getFeeEstimate: { targetBlocks } }), 'getFeeEstimate').satPerVbyte);
  }

  async broadcast(rawTransaction: Uint8Array): Promise<TransferStatus> {
    const { accepted, rejected } = answerOf(await this.ask({ broadcastTransaction: { rawTransaction } }), 'broadcastTransaction');
    if (rejected !== undefined) {
      throw new WalletError(WalletErrorCode.BroadcastRejected, `the node refused transaction ${rejected.txid}: ${rejected.reason}`);
    }
    const status = accepted === undefined ? undefined : transferStatusOf(accepted);
    if (status === undefined) throw new WalletError(WalletErrorCode.BroadcastRejected, 'the server answered the broadcast with no status');
    return status;
  }

  async statuses(txids: readonly string[]): Promise<TransferStatus[]> {
    const found: TransferStatus[] = [];
    for (let start = 0; start < txids.length; start += MAX_TXIDS_PER_ASK) {
      found.push(
        ...(await this.statusesOf({ txids: txids.slice(start, start + MAX_TXIDS_PER_ASK), requestAddresses: [], updatedAfterMs: 0 })),
      );
    }
    return found;
  }

  async registerRequest(address: string, amount: bigint, expiresAtMs: number): Promise<void> {
    await this.ask({ registerPaymentRequest: { address, amountSat: Number(amount), expiresAtMs } });
  }

  /**
   * The service serves outputs only while they are unspent (as UTXOs), so a payment is
   * checked from its outputs to these addresses that are still unspent. The payee checks a
   * payment when the message arrives, before its wallet could spend it; one already spent
   * cannot be checked this way and is reported as such, not as invalid.
   */
  async paymentsTo(txid: string, addresses: readonly string[]): Promise<ChainPayment | undefined> {
    const outputs = (await this.utxos(addresses)).filter((utxo) => utxo.txid === txid);
    if (outputs.length > 0) {
      return {
        txid,
        confirmations: Math.min(...outputs.map(({ confirmations }) => confirmations)),
        outputs: outputs.map(({ vout, script, amount }) => ({ index: vout, script, amount })),
      };
    }
    const [known] = await this.statuses([txid]);
    if (known === undefined) return undefined;
    throw new WalletError(
      WalletErrorCode.Unverifiable,
      `transaction ${txid} pays none of ${addresses.join(', ')} an unspent output, and the chain service shows no spent ones: it cannot be checked`,
    );
  }

  private async statusesOf(query: wire.GetPaymentStatusesRequest) {
    const { statuses } = answerOf(await this.ask({ getPaymentStatuses: query }), 'getPaymentStatuses');
    return statuses.map(transferStatusOf).filter((status) => status !== undefined);
  }

  private async ask(body: Parameters<DeviceRequest>[0]) {
    return (await this.request())(body);
  }
}
