import type { BrokerSubscription } from '@coming/broker';
import { Clock } from '@coming/runtime';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DeviceChannelRepository } from '../delivery/device-channel.repository';
import { RevokedDevices } from './revoked-devices';

// How long a revocation from a publisher that predates its times is kept: auth's default access-token lifetime.
const UNDATED_REVOCATION_MS = 15 * 60_000;

/**
 * Feeds RevokedDevices from every revocation auth announces, on one subscription to
 * device.*.*.revoked, whichever gateway holds the device's sockets (if any): the next
 * socket may be opened here. A removal or expiry revokes too, so this covers those.
 */
@Injectable()
export class RevokedDevicesListener implements OnModuleInit, OnModuleDestroy {
  private subscription: BrokerSubscription | undefined;

  constructor(
    private readonly channel: DeviceChannelRepository,
    private readonly revoked: RevokedDevices,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.subscription = this.channel.subscribeEveryRevocation((device, { revokedAtMs, accessTokensValidUntilMs }) => {
      // Undated, the time received stands in: later than the revocation, so it refuses every token the revocation meant to.
      const receivedAtMs = this.clock.now().getTime();
      this.revoked.revoke(device, {
        revokedAtMs: revokedAtMs > 0 ? revokedAtMs : receivedAtMs,
        untilMs: accessTokensValidUntilMs > 0 ? accessTokensValidUntilMs : receivedAtMs + UNDATED_REVOCATION_MS,
      });
    });
  }

  onModuleDestroy() {
    this.subscription?.unsubscribe();
  }
}
