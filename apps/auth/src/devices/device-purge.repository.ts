import { Broker, subjects } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { events } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import type { PurgingService } from './devices.repository';

const PURGE_TIMEOUT_MS = 10_000;

/** Asks the mailbox and keys, over the broker, to delete what they hold for a removed device. */
@Injectable()
export class DevicePurgeRepository {
  constructor(
    private readonly broker: Broker,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  /** True once `service` confirmed the purge; false when it did not answer (the sweep asks again). */
  async purge(service: PurgingService, accountId: string, deviceId: number): Promise<boolean> {
    const subject = service === 'mailbox' ? subjects.purgeMailbox(accountId, deviceId) : subjects.purgeKeys(accountId, deviceId);
    try {
      const reply = events.PurgeDeviceReply.decode(
        await this.broker.request(subject, events.PurgeDevice.encode({}).finish(), PURGE_TIMEOUT_MS),
      );
      this.logger.info({ service, deleted: reply.deleted }, 'removed device purged');
      return true;
    } catch (error) {
      this.logger.warn({ err: error, service }, 'removed device not purged yet; the sweep asks again');
      return false;
    }
  }
}
