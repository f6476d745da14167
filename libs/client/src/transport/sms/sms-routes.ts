import { isAccountId } from '@coming/identity';
import { MAX_DEVICE_ID, keys } from '@coming/proto';
import { isPhoneNumber, type PhoneNumber } from '@coming/sms';
import type { StateKeeper } from '../../state-keeper';
import { SmsTransportError, SmsTransportErrorCode } from './sms-transport.errors';

/**
 * How messages to a contact travel: `auto` by the server while it answers and by SMS once
 * it has not for the outage time, `websocket` by the server only, `sms` by SMS only.
 */
export type SmsPolicy = 'auto' | 'websocket' | 'sms';
export const SMS_POLICIES: readonly SmsPolicy[] = ['auto', 'websocket', 'sms'];

/** The device an SMS reaches unless the route names another: an account's first device, its primary. */
export const DEFAULT_SMS_DEVICE = 1;

/** Where a contact's SMS go: their phone, the device of theirs that reads it, and the policy. */
export interface SmsRoute {
  phone: PhoneNumber;
  device: number;
  policy: SmsPolicy;
}

/** A route as `routes()` lists it. */
export interface SmsRouteView extends SmsRoute {
  accountId: string;
  /** True while a prekey bundle of the contact is cached, to start a session by SMS alone. */
  bundleCached: boolean;
}

/** What the client keeps for SMS. Phone numbers live here and nowhere else: nothing of it is ever sent to the server. */
export interface SmsState {
  /** Keyed by the contact's account ID. */
  routes: Record<string, SmsRoute>;
  /** Prekey bundles of contacts (keys.Bundles, base64), fetched while the server answered, keyed by account ID. */
  bundles: Record<string, string>;
}

/**
 * The contacts' SMS routes and cached prekey bundles, in the client state. Changes are made
 * in memory; the caller saves them.
 */
export class SmsRoutes {
  constructor(private readonly keeper: StateKeeper) {}

  /** Sets the contact's phone and SMS device, keeping its policy (auto for a new route). */
  set(accountId: string, { phone, device = DEFAULT_SMS_DEVICE }: { phone: string; device?: number }): SmsRoute {
    this.checkContact(accountId);
    if (!isPhoneNumber(phone)) throw invalid(`phone "${phone}" is not in E.164 form (+, then up to 15 digits, the first not 0)`);
    if (!Number.isInteger(device) || device < 1 || device > MAX_DEVICE_ID) throw invalid(`device ${device} is not 1 to ${MAX_DEVICE_ID}`);
    const route: SmsRoute = { phone, device, policy: this.get(accountId)?.policy ?? 'auto' };
    this.state.routes[accountId] = route;
    return route;
  }

  setPolicy(accountId: string, policy: SmsPolicy): SmsRoute {
    this.checkContact(accountId);
    if (!SMS_POLICIES.includes(policy)) throw invalid(`policy "${String(policy)}" is not one of ${SMS_POLICIES.join(', ')}`);
    const route = this.get(accountId);
    if (route === undefined) {
      throw new SmsTransportError(SmsTransportErrorCode.NoRoute, `${accountId} has no SMS route: set their phone number first`);
    }
    route.policy = policy;
    return route;
  }

  /** Forgets the contact's route and cached bundle; true when there was a route. */
  remove(accountId: string): boolean {
    const had = this.get(accountId) !== undefined;
    delete this.state.routes[accountId];
    delete this.state.bundles[accountId];
    return had;
  }

  get(accountId: string): SmsRoute | undefined {
    return this.keeper.state.sms?.routes[accountId];
  }

  list(): SmsRouteView[] {
    return Object.entries(this.keeper.state.sms?.routes ?? {}).map(([accountId, route]) => ({
      accountId,
      ...route,
      bundleCached: this.state.bundles[accountId] !== undefined,
    }));
  }

  cacheBundle(accountId: string, bundles: keys.Bundles): void {
    this.state.bundles[accountId] = Buffer.from(keys.Bundles.encode(bundles).finish()).toString('base64');
  }

  cachedBundle(accountId: string): keys.Bundles | undefined {
    const stored = this.keeper.state.sms?.bundles[accountId];
    return stored === undefined ? undefined : keys.Bundles.decode(Uint8Array.from(Buffer.from(stored, 'base64')));
  }

  /** Its one-time prekeys are spent once a session started from it: it must not start another. */
  dropBundle(accountId: string): void {
    delete this.state.bundles[accountId];
  }

  private get state(): SmsState {
    return (this.keeper.state.sms ??= { routes: {}, bundles: {} });
  }

  private checkContact(accountId: string) {
    if (!isAccountId(accountId)) throw invalid(`"${accountId}" is not an account ID (coming1…)`);
    if (accountId === this.keeper.state.accountId) throw invalid(`${accountId} is this account: SMS routes are for contacts`);
  }
}

function invalid(reason: string): SmsTransportError {
  return new SmsTransportError(SmsTransportErrorCode.InvalidRoute, reason);
}
