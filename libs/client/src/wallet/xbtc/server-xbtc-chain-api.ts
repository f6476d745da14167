import type { payments } from '@coming/proto';
import { getAddress, type Hex, hexToBytes } from 'viem';
import { answerOf, type DeviceRequest } from '../../devices/device-request';
import { transferStateOf } from '../bitcoin/server-chain-api';
import type { TransferStatus } from '../transfer-status';
import { WalletError, WalletErrorCode } from '../wallet.errors';
import type { TransferWithFee } from './transfer-with-fee';
import type { XbtcChainApi, XbtcToken, XbtcTransfersTo } from './xbtc-chain-api';

/** The service answers about at most this many transactions per request. */
const MAX_HASHES_PER_ASK = 100;

/** A pushed or asked X-BTC transfer status in the wallet's one model; undefined for a state this client does not know. */
export function xbtcTransferStatusOf(transfer: payments.XbtcTransferStatus): TransferStatus | undefined {
  const state = transferStateOf(transfer.state);
  return state === undefined ? undefined : { transactionId: transfer.txHash, state, confirmations: transfer.confirmations };
}

/**
 * The payments service's X-BTC side, reached through the gateway connection: the chain the
 * X-BTC wallet uses. Each method is one request frame; the service answers only about this
 * account's watched addresses, and its relayer pays the gas of what the wallet signed.
 */
export class ServerXbtcChainApi implements XbtcChainApi {
  constructor(private readonly request: () => Promise<DeviceRequest>) {}

  async tokenInfo(): Promise<XbtcToken> {
    const { chainId, token } = answerOf(await this.ask({ getXbtcInfo: {} }), 'getXbtcInfo');
    return { chainId: Number(chainId), address: getAddress(token) };
  }

  async watch(addresses: readonly string[]): Promise<void> {
    await this.ask({ watchXbtcAddresses: { addresses: [...addresses] } });
  }

  async balanceOf(address: string): Promise<bigint> {
    return BigInt(answerOf(await this.ask({ getXbtcBalance: { address } }), 'getXbtcBalance').balanceSat);
  }

  async feeQuote(): Promise<bigint> {
    return BigInt(answerOf(await this.ask({ quoteXbtcFee: {} }), 'quoteXbtcFee').feeSat);
  }

  async relay(authorization: TransferWithFee, signature: Hex): Promise<TransferStatus> {
    const { chainId, address: token } = await this.tokenInfo();
    const { accepted, rejected } = answerOf(
      await this.ask({
        relayXbtcTransfer: {
          authorization: {
            from: authorization.from,
            to: authorization.to,
            valueSat: Number(authorization.value),
            feeSat: Number(authorization.fee),
            validAfter: Number(authorization.validAfter),
            validBefore: Number(authorization.validBefore),
            nonce: hexToBytes(authorization.nonce),
            signature: hexToBytes(signature),
            chainId,
            token,
          },
        },
      }),
      'relayXbtcTransfer',
    );
    if (rejected !== undefined)
      throw new WalletError(WalletErrorCode.BroadcastRejected, `the relayer refused the transfer: ${rejected.reason}`);
    const status = accepted === undefined ? undefined : xbtcTransferStatusOf(accepted);
    if (status === undefined) throw new WalletError(WalletErrorCode.BroadcastRejected, 'the server answered the relay with no status');
    return status;
  }

  async statuses(transactionIds: readonly string[]): Promise<TransferStatus[]> {
    const found = new Map<string, TransferStatus>();
    for (const transfer of await this.transfers(transactionIds)) {
      const status = xbtcTransferStatusOf(transfer);
      // One transaction may log several transfers (the payment, the fee): one status each.
      if (status !== undefined && !found.has(status.transactionId)) found.set(status.transactionId, status);
    }
    return [...found.values()];
  }

  async transfersTo(transactionId: string, address: string): Promise<XbtcTransfersTo | undefined> {
    const transfers = (await this.transfers([transactionId])).filter((transfer) => transfer.txHash === transactionId);
    if (transfers.length === 0) return undefined;
    const toAddress = transfers.filter((transfer) => transfer.to.toLowerCase() === address.toLowerCase());
    return {
      transactionId: transactionId as Hex,
      confirmations: Math.min(...transfers.map(({ confirmations }) => confirmations)),
      values: toAddress.map(({ valueSat }) => BigInt(valueSat)),
    };
  }

  /** The service reports X-BTC transfers to watched addresses, expired requests aside: watching the address is what it needs. */
  async registerRequest(address: string): Promise<void> {
    await this.watch([address]);
  }

  private async transfers(transactionIds: readonly string[]): Promise<payments.XbtcTransferStatus[]> {
    const found: payments.XbtcTransferStatus[] = [];
    for (let start = 0; start < transactionIds.length; start += MAX_HASHES_PER_ASK) {
      const hashes = transactionIds.slice(start, start + MAX_HASHES_PER_ASK);
      found.push(...answerOf(await this.ask({ getXbtcTransfers: { txHashes: hashes, addresses: [] } }), 'getXbtcTransfers').transfers);
    }
    return found;
  }

  private async ask(body: Parameters<DeviceRequest>[0]) {
    return (await this.request())(body);
  }
}
