import { Broker, type BrokerSubscription, subjects } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { events } from '@coming/proto';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { type AuthBackend, InjectAuthBackend } from '../backends/backend-clients';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

/**
 * Recipients' device lists, as auth keeps them, cached in memory: every send checks one,
 * and asking auth each time (a database query) was most of a busy node's work. Auth
 * publishes devices.changed.<account> on every change, and the cached list is dropped then.
 * An event missed while the broker was away could leave a list stale, so a reconnect drops
 * them all, and a send refused on a cached list checks with auth again (see `fresh`).
 */
@Injectable()
export class RecipientDevicesRepository implements OnModuleInit, OnModuleDestroy {
  private readonly cache: LRUCache<string, readonly number[]>;
  /** Reads from auth under way, shared by concurrent sends; invalidation removes the entry, so a stale read is not kept. */
  private readonly reads = new Map<string, Promise<readonly number[] | null>>();
  private readonly subscriptions: BrokerSubscription[] = [];

  constructor(
    @InjectAuthBackend() private readonly auth: AuthBackend,
    private readonly broker: Broker,
    @InjectGatewayConfig() config: GatewayConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.cache = new LRUCache({ max: config.GATEWAY_DEVICE_CACHE_ACCOUNTS });
  }

  onModuleInit() {
    // One wildcard subscription for every account, not one per cached account.
    this.subscriptions.push(
      this.broker.subscribe(subjects.devicesChanged('*'), (message) => this.onDevicesChanged(message.data)),
      this.broker.onReconnect(() => this.clear()),
    );
  }

  onModuleDestroy() {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** The account's device IDs, or null when there is no such account. `fresh` skips the cache. */
  async devicesOf(accountId: string, { fresh = false } = {}): Promise<readonly number[] | null> {
    if (!fresh) {
      const cached = this.cache.get(accountId);
      if (cached !== undefined) return cached;
    } else {
      this.invalidate(accountId);
    }
    const pending = this.reads.get(accountId);
    if (pending !== undefined) return pending;
    const read = this.read(accountId);
    this.reads.set(accountId, read);
    try {
      const devices = await read;
      // Unknown accounts are not cached: the first login creates one without an event to wait for.
      if (devices !== null && this.reads.get(accountId) === read) this.cache.set(accountId, devices);
      return devices;
    } finally {
      if (this.reads.get(accountId) === read) this.reads.delete(accountId);
    }
  }

  private async read(accountId: string): Promise<readonly number[] | null> {
    const response = await this.auth.getDevices({ accountId });
    return response.devices?.deviceIds ?? null;
  }

  private onDevicesChanged(data: Uint8Array) {
    let accountId: string;
    try {
      accountId = events.DevicesChanged.decode(data).accountId;
    } catch (error) {
      // Not knowing which account changed, no cached list can be trusted.
      this.logger.warn({ err: error }, 'undecodable devices.changed event; dropping every cached device list');
      this.clear();
      return;
    }
    this.invalidate(accountId);
  }

  private invalidate(accountId: string) {
    this.cache.delete(accountId);
    this.reads.delete(accountId);
  }

  private clear() {
    this.cache.clear();
    this.reads.clear();
  }
}
