import { Broker, type BrokerSubscription, servePurgeRequests, subjectPatterns, subjects } from '@coming/broker';
import { events, type keys } from '@coming/proto';
import { Injectable } from '@nestjs/common';

@Injectable()
export class KeyEventsRepository {
  constructor(private readonly broker: Broker) {}

  /** Asks the device, through whichever gateway holds it, to upload more one-time prekeys. */
  publishLow(accountId: string, deviceId: number, count: keys.PreKeyCount): Promise<void> {
    return this.broker.publish(subjects.keysLow(accountId, deviceId), events.KeysLow.encode(count).finish());
  }

  /** Auth's requests to purge a removed device's keys, answered once `purge` has deleted them. */
  servePurges(purge: (accountId: string, deviceId: number) => Promise<number>, onFailure: (error: unknown) => void): BrokerSubscription {
    return servePurgeRequests(this.broker, subjectPatterns.purgeKeys, purge, onFailure);
  }
}
