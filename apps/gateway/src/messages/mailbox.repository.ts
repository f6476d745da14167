import type { mailbox, messaging } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectMailboxBackend, type MailboxBackend } from '../backends/backend-clients';

/** The mailbox service, as the gateway reaches it over gRPC. */
@Injectable()
export class MailboxRepository {
  constructor(@InjectMailboxBackend() private readonly client: MailboxBackend) {}

  enqueue(envelope: messaging.Envelope): Promise<mailbox.EnqueueResponse> {
    return this.client.enqueue({ envelope });
  }

  fetch(accountId: string, deviceId: number, afterSequence: number, limit: number): Promise<mailbox.FetchResponse> {
    return this.client.fetch({ accountId, deviceId, afterSequence, limit });
  }

  async ack(accountId: string, deviceId: number, serverGuids: Uint8Array[]): Promise<void> {
    if (serverGuids.length === 0) return;
    await this.client.ack({ accountId, deviceId, serverGuids });
  }
}
