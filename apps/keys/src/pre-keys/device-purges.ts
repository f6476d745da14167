import type { BrokerSubscription } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { KeyEventsRepository } from './key-events.repository';
import { PreKeysService } from './pre-keys.service';

/** Deletes the keys of a device removed from its account, when auth asks: nobody may start a session with it again. */
@Injectable()
export class DevicePurges implements OnModuleInit, OnModuleDestroy {
  private subscription: BrokerSubscription | undefined;

  constructor(
    private readonly keyEvents: KeyEventsRepository,
    private readonly preKeys: PreKeysService,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onModuleInit() {
    this.subscription = this.keyEvents.servePurges(
      (accountId, deviceId) => this.preKeys.purgeDevice(accountId, deviceId),
      (error) => this.logger.warn({ err: error }, 'could not purge the keys of a removed device; auth asks again'),
    );
  }

  onModuleDestroy() {
    this.subscription?.unsubscribe();
  }
}
