import type { BrokerSubscription } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EnvelopesService } from './envelopes.service';
import { MailboxEventsRepository } from './mailbox-events.repository';

/**
 * Empties the mailbox of a device removed from its account, when auth asks: a lost device
 * must not keep receiving, nor an abandoned one keep its envelopes.
 */
@Injectable()
export class DevicePurges implements OnModuleInit, OnModuleDestroy {
  private subscription: BrokerSubscription | undefined;

  constructor(
    private readonly events: MailboxEventsRepository,
    private readonly envelopes: EnvelopesService,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  onModuleInit() {
    this.subscription = this.events.servePurges(
      (accountId, deviceId) => this.envelopes.purgeDevice(accountId, deviceId),
      (error) => this.logger.warn({ err: error }, 'could not purge a removed device; auth asks again'),
    );
  }

  onModuleDestroy() {
    this.subscription?.unsubscribe();
  }
}
