import type { payments } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { ChainConnection } from '../chain/chain-connection';
import { InjectPaymentsConfig, type PaymentsConfig } from '../payments.config';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { checkDevice, invalid, scriptsOf } from '../request-checks';
import { StatusNotifier } from '../statuses/status-notifier';
import { StatusesService } from '../statuses/statuses.service';
import { type WatchedScript, WatchListRepository } from './watch-list.repository';

const MAX_ADDRESSES_PER_REQUEST = 100;
/** 21 million bitcoin. */
const MAX_AMOUNT_SAT = 2_100_000_000_000_000;
const MAX_REQUEST_LIFETIME_MS = 90 * 24 * 60 * 60_000;

/** An account's watch list and payment requests: watch-only data, changed by the account's own devices only. */
@Injectable()
export class WatchListService {
  constructor(
    @InjectPaymentsConfig() private readonly config: PaymentsConfig,
    private readonly chain: ChainConnection,
    private readonly watchList: WatchListRepository,
    private readonly statuses: StatusesService,
    private readonly notifier: StatusNotifier,
    private readonly clock: Clock,
  ) {}

  async watch({ accountId, deviceId, addresses }: payments.WatchAddressesRequest): Promise<payments.WatchAddressesResponse> {
    checkDevice(accountId, deviceId);
    const scripts = scriptsOf(addresses, await this.chain.addressParameters(), 'addresses', { min: 1, max: MAX_ADDRESSES_PER_REQUEST });
    return this.add(accountId, deviceId, scripts);
  }

  async unwatch({ accountId, deviceId, addresses }: payments.UnwatchAddressesRequest): Promise<payments.UnwatchAddressesResponse> {
    checkDevice(accountId, deviceId);
    const scripts = scriptsOf(addresses, await this.chain.addressParameters(), 'addresses', { min: 1, max: MAX_ADDRESSES_PER_REQUEST });
    const removed = await this.watchList.unwatch(
      accountId,
      scripts.map(({ scriptPubKey }) => scriptPubKey),
    );
    return { unwatched: { removed } };
  }

  async registerRequest(request: payments.RegisterPaymentRequestRequest): Promise<payments.RegisterPaymentRequestResponse> {
    const { accountId, deviceId, address, amountSat, expiresAtMs } = request;
    checkDevice(accountId, deviceId);
    const [script] = scriptsOf([address], await this.chain.addressParameters(), 'address', { min: 1, max: 1 });
    if (script === undefined) throw invalid('address is required');
    if (!Number.isSafeInteger(amountSat) || amountSat < 1 || amountSat > MAX_AMOUNT_SAT) {
      throw invalid(`amount_sat must be 1 to ${MAX_AMOUNT_SAT} satoshis`);
    }
    const now = this.clock.now();
    if (expiresAtMs <= now.getTime() || expiresAtMs > now.getTime() + MAX_REQUEST_LIFETIME_MS) {
      throw invalid('expires_at_ms must be in the future and at most 90 days ahead');
    }
    const watched = await this.add(accountId, deviceId, [script]);
    if (watched.foreignAddresses !== undefined) return { foreignAddresses: watched.foreignAddresses };
    await this.watchList.saveRequest(accountId, { ...script, amountSat, expiresAt: new Date(expiresAtMs) }, now);
    const [registered] = await this.statuses.ofRequests(accountId, [script.scriptPubKey]);
    await this.notifier.requestsChanged([{ account_id: accountId, script_pubkey: script.scriptPubKey }]);
    return { registered };
  }

  private async add(accountId: string, deviceId: number, scripts: WatchedScript[]): Promise<payments.WatchAddressesResponse> {
    const outcome = await this.watchList.watch(accountId, deviceId, scripts, this.config.PAYMENTS_MAX_ADDRESSES_PER_ACCOUNT);
    if ('foreign' in outcome) return { foreignAddresses: { addresses: outcome.foreign } };
    if ('overLimit' in outcome) {
      throw new PaymentsError(
        PaymentsErrorCode.WatchLimitReached,
        `an account may watch at most ${outcome.overLimit} addresses; unwatch some first`,
      );
    }
    return { watched: outcome };
  }
}
