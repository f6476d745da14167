import { Broker, subjects } from '@coming/broker';
import { type devices, events } from '@coming/proto';
import { Injectable } from '@nestjs/common';

/** What auth tells the gateways about accounts and devices, over the broker. */
@Injectable()
export class AccountEventsRepository {
  constructor(private readonly broker: Broker) {}

  /** The account's recipient devices changed; gateways drop their cached list and tell the account's devices of `removed` ones. */
  publishDevicesChanged(accountId: string, deviceIds: number[], removed: devices.RemovedDevice[] = []): Promise<void> {
    return this.broker.publish(
      subjects.devicesChanged(accountId),
      events.DevicesChanged.encode({ accountId, deviceIds, removed }).finish(),
    );
  }

  /** The device's tokens were revoked; the gateway holding its sockets closes them, and every gateway refuses its older access tokens. */
  publishDeviceRevoked(accountId: string, deviceId: number, revocation: events.DeviceRevoked): Promise<void> {
    return this.broker.publish(subjects.deviceRevoked(accountId, deviceId), events.DeviceRevoked.encode(revocation).finish());
  }
}
