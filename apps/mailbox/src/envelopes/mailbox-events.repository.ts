import { Broker, type BrokerSubscription, servePurgeRequests, subjectPatterns, subjects } from '@coming/broker';
import { events } from '@coming/proto';
import { Injectable } from '@nestjs/common';

@Injectable()
export class MailboxEventsRepository {
  constructor(private readonly broker: Broker) {}

  /** Tells the gateway holding the device, if any, to fetch what was just stored. */
  publishStored(accountId: string, deviceId: number, serverGuid: Uint8Array): Promise<void> {
    return this.broker.publish(subjects.mailboxStored(accountId, deviceId), events.MailboxStored.encode({ serverGuid }).finish());
  }

  /** Auth's requests to purge a removed device's mailbox, answered once `purge` has deleted it. */
  servePurges(purge: (accountId: string, deviceId: number) => Promise<number>, onFailure: (error: unknown) => void): BrokerSubscription {
    return servePurgeRequests(this.broker, subjectPatterns.purgeMailbox, purge, onFailure);
  }
}
