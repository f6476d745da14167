import { isPhoneNumber, type PhoneNumber, type SmsCarrier, type SmsMessageMode } from '@coming/sms';
import type { EndToEnd } from '../../signal/end-to-end';
import { verifiedIdentityKey } from '../../signal/end-to-end';
import { retryDelayMs } from '../../retry';
import type { StateKeeper } from '../../state-keeper';
import type { ServerLink } from '../transport';
import type { SmsInbound, SmsInboundStats } from './sms-inbound';
import type { SmsPolicy, SmsRouteView, SmsRoutes } from './sms-routes';
import { SmsTransportError, SmsTransportErrorCode } from './sms-transport.errors';

/** SMS as a second carrier: what ComingClient.open/create take as `sms`. */
export interface SmsOptions {
  /** Sends and receives the parts (SmppCarrier, say); it stays the caller's to close. */
  carrier: SmsCarrier;
  /** This phone's number, E.164. */
  ownNumber: PhoneNumber;
  /** How long the server must have been unreachable before `auto` sends by SMS, in ms. Default 10 000. */
  outageMs?: number;
  /** `text` (default): GSM-safe text, which every phone hands to apps; `binary`: 8-bit data, fewer parts. */
  mode?: SmsMessageMode;
}

export const DEFAULT_OUTAGE_MS = 10_000;

/** The options with their defaults, once checked; throws INVALID_OPTIONS naming the one at fault. */
export function checkedSmsOptions({ carrier, ownNumber, outageMs = DEFAULT_OUTAGE_MS, mode = 'text' }: SmsOptions): Required<SmsOptions> {
  const invalid = (reason: string) => new SmsTransportError(SmsTransportErrorCode.InvalidOptions, `sms.${reason}`);
  if (!isPhoneNumber(ownNumber)) throw invalid(`ownNumber "${ownNumber}" is not in E.164 form (+, then up to 15 digits)`);
  if (!Number.isSafeInteger(outageMs) || outageMs < 0) throw invalid(`outageMs ${outageMs} is not a whole number of milliseconds from 0`);
  if (mode !== 'text' && mode !== 'binary') throw invalid(`mode "${String(mode)}" is not text or binary`);
  return { carrier, ownNumber, outageMs, mode };
}

/**
 * The client's SMS settings, as `client.sms`: contacts' routes (phone, device, policy),
 * kept in the client state and never sent to the server. Setting a route while the server
 * answers caches the contact's prekey bundle when there is no session with the route's
 * device yet, so that a first message can still go by SMS alone later.
 */
export class SmsControls {
  constructor(
    private readonly keeper: StateKeeper,
    private readonly store: SmsRoutes,
    private readonly endToEnd: EndToEnd,
    private readonly connected: () => Promise<ServerLink>,
    private readonly options: Required<SmsOptions> | undefined,
    private readonly inbound: SmsInbound | undefined,
  ) {}

  /** This phone's number; undefined when the client was opened without SMS. */
  get ownNumber(): PhoneNumber | undefined {
    return this.options?.ownNumber;
  }

  /**
   * Sets a contact's phone and the device of theirs that reads it (default 1, the primary),
   * keeping the policy (auto for a new route). When no session with that device exists yet,
   * fetches the contact's prekey bundle from the key directory (claiming a one-time prekey
   * of each of their devices) and caches it, once its identity key is checked to be signed
   * by the contact's account key; a server that does not answer leaves it uncached.
   */
  async setRoute(accountId: string, route: { phone: string; device?: number }): Promise<SmsRouteView> {
    const { device } = this.store.set(accountId, route);
    const noSession = this.keeper.state.signal === undefined || (await this.endToEnd.missingSessions(accountId, [device])).length > 0;
    if (noSession) await this.cacheBundle(accountId);
    await this.keeper.save();
    return this.view(accountId);
  }

  async setPolicy(accountId: string, policy: SmsPolicy): Promise<SmsRouteView> {
    this.store.setPolicy(accountId, policy);
    await this.keeper.save();
    return this.view(accountId);
  }

  /** Forgets a contact's route and cached bundle; true when there was a route. */
  async removeRoute(accountId: string): Promise<boolean> {
    const removed = this.store.remove(accountId);
    await this.keeper.save();
    return removed;
  }

  routes(): SmsRouteView[] {
    return this.store.list();
  }

  /** What the SMS inbox dropped and holds; undefined without SMS. */
  stats(): SmsInboundStats | undefined {
    return this.inbound?.stats();
  }

  private async cacheBundle(accountId: string): Promise<void> {
    try {
      const bundles = await (await this.connected()).bundles(accountId);
      verifiedIdentityKey(accountId, bundles);
      this.store.cacheBundle(accountId, bundles);
    } catch (error) {
      // The route stands; with the server away there is no bundle to cache.
      if (retryDelayMs(error, 0) === undefined) throw error;
    }
  }

  private view(accountId: string): SmsRouteView {
    return this.store.list().find((route) => route.accountId === accountId)!;
  }
}
