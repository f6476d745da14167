import { payments } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { ChainConnection } from '../chain/chain-connection';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { checkAccount, checkTxids, limitOf, scriptsOf } from '../request-checks';
import { WatchListRepository } from '../watch/watch-list.repository';
import { WatcherRepository } from '../watcher/watcher.repository';
import { PaymentStatusesRepository } from './payment-statuses.repository';

const MAX_ADDRESSES_PER_READ = 1_000;
const MAX_LOOKUPS = 100;
const MAX_CHANGES = 500;

const NETWORKS = {
  mainnet: payments.Network.NETWORK_MAINNET,
  testnet: payments.Network.NETWORK_TESTNET,
  regtest: payments.Network.NETWORK_REGTEST,
} as const;

/** What an account reads of its watch data: UTXOs, history and statuses, as the watcher has recorded them. */
@Injectable()
export class StatusesService {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: ChainConnection,
    private readonly statuses: PaymentStatusesRepository,
    private readonly watchList: WatchListRepository,
    private readonly watcher: WatcherRepository,
  ) {}

  async chainInfo(): Promise<payments.GetChainInfoResponse> {
    const parameters = await this.chain.addressParameters();
    const tip = await this.watcher.tip();
    return {
      chain: {
        currency: payments.Currency.CURRENCY_BTC,
        network: NETWORKS[parameters.network],
        bech32Prefix: parameters.bech32,
        p2pkhVersion: parameters.pubKeyHash,
        p2shVersion: parameters.scriptHash,
        tipHeight: tip?.height ?? 0,
        tipHash: tip?.hash ?? '',
        confirmationDepth: this.depth,
        backendAvailable: this.chain.available,
      },
    };
  }

  async utxos({ accountId, addresses, minConfirmations }: payments.GetUtxosRequest): Promise<payments.GetUtxosResponse> {
    checkAccount(accountId);
    const scripts = await this.ownScripts(accountId, addresses);
    if ('foreignAddresses' in scripts) return scripts;
    const tipHeight = (await this.watcher.tip())?.height ?? 0;
    const rows = await this.statuses.unspent(accountId, scripts.own);
    const utxos = rows
      .map((row) => ({
        txid: row.txid,
        vout: row.vout,
        address: row.address,
        valueSat: row.value_sat,
        scriptPubkey: Buffer.from(row.script_pubkey, 'hex'),
        confirmations: row.block_height === null ? 0 : tipHeight - row.block_height + 1,
        blockHeight: row.block_height ?? 0,
        firstSeen: row.first_seen_at.getTime(),
      }))
      .filter(({ confirmations }) => confirmations >= minConfirmations)
      // Oldest first: confirmed by height, then unconfirmed by first sight.
      .sort((left, right) => (left.blockHeight || Infinity) - (right.blockHeight || Infinity) || left.firstSeen - right.firstSeen)
      .map(({ firstSeen: _, ...utxo }) => utxo);
    return { utxos: { utxos, tipHeight } };
  }

  async history({ accountId, addresses, limit }: payments.GetHistoryRequest): Promise<payments.GetHistoryResponse> {
    checkAccount(accountId);
    const count = limitOf(limit, 100, MAX_CHANGES);
    const scripts = await this.ownScripts(accountId, addresses);
    if ('foreignAddresses' in scripts) return scripts;
    const txids = await this.statuses.transactionIds(accountId, { scripts: scripts.own, limit: count });
    const statuses = [
      ...(await this.statuses.ofTransactions(accountId, txids, this.depth)),
      ...(await this.statuses.ofUnpaidRequests(accountId, this.depth, { scripts: scripts.own, limit: count })),
    ];
    return { history: { statuses: newestFirst(statuses).slice(0, count), unknownTxids: [] } };
  }

  async statusesOf(request: payments.GetPaymentStatusesRequest): Promise<payments.GetPaymentStatusesResponse> {
    const { accountId, txids, requestAddresses, updatedAfterMs } = request;
    checkAccount(accountId);
    checkTxids(txids, MAX_LOOKUPS);
    const requested = requestAddresses.length === 0 ? { own: [] } : await this.ownScripts(accountId, requestAddresses, MAX_LOOKUPS);
    if ('foreignAddresses' in requested) return requested;
    const known = await this.statuses.transactionIds(accountId, { txids, limit: MAX_LOOKUPS });
    const changed =
      updatedAfterMs === 0
        ? []
        : await this.statuses.transactionIds(accountId, { updatedAfter: new Date(updatedAfterMs), limit: MAX_CHANGES });
    const statuses = [
      ...(await this.statuses.ofTransactions(accountId, [...new Set([...known, ...changed])], this.depth)),
      ...(requested.own === undefined || requested.own.length === 0 ? [] : await this.ofRequests(accountId, requested.own)),
      ...(updatedAfterMs === 0
        ? []
        : await this.statuses.ofUnpaidRequests(accountId, this.depth, { updatedAfter: new Date(updatedAfterMs), limit: MAX_CHANGES })),
    ];
    return { statuses: { statuses: unique(newestFirst(statuses)), unknownTxids: txids.filter((txid) => !known.includes(txid)) } };
  }

  /** The status of each payment request at these scripts: its paying transaction's, or REQUESTED / EXPIRED while unpaid. */
  async ofRequests(accountId: string, scripts: string[]): Promise<payments.PaymentStatus[]> {
    const paying = await this.statuses.transactionIds(accountId, { scripts, limit: MAX_LOOKUPS });
    const paid = (await this.statuses.ofTransactions(accountId, paying, this.depth)).filter(({ request }) => request !== undefined);
    const unpaid = await this.statuses.ofUnpaidRequests(accountId, this.depth, { scripts, limit: MAX_LOOKUPS });
    return newestFirst([...paid, ...unpaid]);
  }

  private get depth() {
    return this.config.PAYMENTS_CONFIRMATION_DEPTH;
  }

  /** The scripts of addresses the account may read (all of its own when none are named), or the ones that are another's. */
  private async ownScripts(
    accountId: string,
    addresses: string[],
    max = MAX_ADDRESSES_PER_READ,
  ): Promise<{ own: string[] | undefined } | { foreignAddresses: payments.ForeignAddresses }> {
    if (addresses.length === 0) return { own: undefined };
    const scripts = scriptsOf(addresses, await this.chain.addressParameters(), 'addresses', { min: 1, max });
    const foreign = await this.watchList.foreignAddresses(accountId, scripts);
    if (foreign.length > 0) return { foreignAddresses: { addresses: foreign } };
    return { own: scripts.map(({ scriptPubKey }) => scriptPubKey) };
  }
}

function newestFirst(statuses: payments.PaymentStatus[]): payments.PaymentStatus[] {
  return [...statuses].sort((left, right) => right.updatedAtMs - left.updatedAtMs);
}

/** One status per transaction, and per unpaid request. */
function unique(statuses: payments.PaymentStatus[]): payments.PaymentStatus[] {
  const seen = new Set<string>();
  return statuses.filter((status) => {
    const key = status.txid || `request:${status.request?.address ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
