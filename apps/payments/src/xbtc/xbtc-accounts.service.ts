import type { payments } from '@coming/proto';
import { XBTC_ABI } from '@coming/xbtc';
import { Injectable } from '@nestjs/common';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { checkDevice } from '../request-checks';
import { checkTxHashes, evmAddressesOf, evmAddressOf } from './xbtc-addresses';
import { XbtcChain } from './xbtc-chain';
import { XbtcFees } from './xbtc-fees';
import { XbtcRelayer } from './xbtc-relayer';
import { xbtcStatusOf } from './xbtc-status';
import { XbtcTransfersRepository } from './xbtc-transfers.repository';
import { XbtcWatchListRepository } from './xbtc-watch-list.repository';

const MAX_TRANSFERS = 500;

/** What an account reads and watches of X-BTC: chain info, its watch list, balances, transfers and fee quotes. */
@Injectable()
export class XbtcAccountsService {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: XbtcChain,
    private readonly fees: XbtcFees,
    private readonly relayer: XbtcRelayer,
    private readonly watchList: XbtcWatchListRepository,
    private readonly transfers: XbtcTransfersRepository,
  ) {}

  async info(): Promise<payments.GetXbtcInfoResponse> {
    const [tip] = await this.transfers.blocks();
    const { settings } = this.chain;
    return {
      info: {
        chainId: settings.chainId,
        token: settings.token,
        relayer: this.relayer.address,
        tipBlock: tip?.number ?? 0,
        tipHash: tip?.hash ?? '',
        backendAvailable: this.chain.available,
        confirmationDepth: this.config.PAYMENTS_XBTC_CONFIRMATION_DEPTH,
      },
    };
  }

  async watch({ accountId, deviceId, addresses }: payments.WatchXbtcAddressesRequest): Promise<payments.WatchXbtcAddressesResponse> {
    checkDevice(accountId, deviceId);
    const outcome = await this.watchList.watch(
      accountId,
      deviceId,
      evmAddressesOf(addresses, 'addresses', { min: 1, max: 100 }),
      this.config.PAYMENTS_MAX_ADDRESSES_PER_ACCOUNT,
    );
    if ('foreign' in outcome) return { foreignAddresses: { addresses: outcome.foreign } };
    if ('overLimit' in outcome) {
      throw new PaymentsError(PaymentsErrorCode.WatchLimitReached, `an account may watch at most ${outcome.overLimit} EVM addresses`);
    }
    return { watched: outcome };
  }

  async balance({ accountId, deviceId, address }: payments.GetXbtcBalanceRequest): Promise<payments.GetXbtcBalanceResponse> {
    checkDevice(accountId, deviceId);
    const owner = evmAddressOf(address, 'address');
    if ((await this.watchList.notWatchedBy(accountId, [owner])).length > 0) return { foreignAddresses: { addresses: [owner] } };
    const { balance, tipBlock } = await this.chain.use(async (client) => {
      const block = await client.getBlockNumber();
      const held = await client.readContract({
        address: this.chain.settings.token,
        abi: XBTC_ABI,
        functionName: 'balanceOf',
        args: [owner],
        blockNumber: block,
      });
      return { balance: held, tipBlock: block };
    });
    return {
      balance: {
        address: owner,
        balanceSat: Number(balance),
        pendingOutSat: await this.transfers.pendingOut(owner),
        tipBlock: Number(tipBlock),
      },
    };
  }

  async quote(): Promise<payments.QuoteXbtcFeeResponse> {
    return { quote: await this.fees.quote() };
  }

  async transfersOf({
    accountId,
    deviceId,
    txHashes,
    addresses,
  }: payments.GetXbtcTransfersRequest): Promise<payments.GetXbtcTransfersResponse> {
    checkDevice(accountId, deviceId);
    const hashes = checkTxHashes(txHashes, 100);
    const owned = addresses.length === 0 ? [] : evmAddressesOf(addresses, 'addresses', { min: 0, max: 100 });
    const foreign = owned.length === 0 ? [] : await this.watchList.notWatchedBy(accountId, owned);
    if (foreign.length > 0) return { foreignAddresses: { addresses: foreign } };
    const rows = hashes.length + owned.length === 0 ? [] : await this.transfers.ofAccount(accountId, hashes, owned, MAX_TRANSFERS);
    const found = new Set(rows.map(({ tx_hash }) => tx_hash));
    return {
      transfers: {
        transfers: rows.map((row) => xbtcStatusOf(row, this.config.PAYMENTS_XBTC_CONFIRMATION_DEPTH)),
        unknownTxHashes: hashes.filter((hash) => !found.has(hash)),
      },
    };
  }
}
