import { Broker, subjects } from '@coming/broker';
import { events, type keys } from '@coming/proto';
import { Injectable } from '@nestjs/common';

@Injectable()
export class KeyEventsRepository {
  constructor(private readonly broker: Broker) {}

  /** Asks the device, through whichever gateway holds it, to upload more one-time prekeys. */
  publishLow(accountId: string, deviceId: number, count: keys.PreKeyCount): Promise<void> {
    return this.broker.publish(subjects.keysLow(accountId, deviceId), events.KeysLow.encode(count).finish());
  }
}
