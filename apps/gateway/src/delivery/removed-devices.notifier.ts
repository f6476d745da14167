import type { BrokerSubscription } from '@coming/broker';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DeviceChannelRepository } from './device-channel.repository';
import { DeviceSessionsService } from './device-sessions.service';

/**
 * Tells an account's connected devices when others left it (removed, or expired), with a
 * DevicesRemoved push, so that a user sees at once that a lost device was cut off. A device
 * that was offline sees the same in its device list's recently_removed.
 */
@Injectable()
export class RemovedDevicesNotifier implements OnModuleInit, OnModuleDestroy {
  private subscription: BrokerSubscription | undefined;

  constructor(
    private readonly channel: DeviceChannelRepository,
    private readonly sessions: DeviceSessionsService,
  ) {}

  onModuleInit() {
    this.subscription = this.channel.subscribeDevicesChanged(({ accountId, removed }) => {
      if (removed.length > 0) this.sessions.pushToAccount(accountId, { devicesRemoved: { removed } });
    });
  }

  onModuleDestroy() {
    this.subscription?.unsubscribe();
  }
}
