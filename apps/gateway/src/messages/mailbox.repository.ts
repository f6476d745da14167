import { callGrpc } from '@coming/grpc';
import type { mailbox, messaging } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { InjectMailboxClient } from '../backends';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

/** The mailbox service, as the gateway reaches it over gRPC. */
@Injectable()
export class MailboxRepository {
  constructor(
    @InjectMailboxClient() private readonly client: mailbox.MailboxServiceClient,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
  ) {}

  async enqueue(envelope: messaging.Envelope): Promise<mailbox.EnqueueResponse> {
    const response = await callGrpc(this.client.enqueue({ envelope }), this.config.GATEWAY_GRPC_DEADLINE_MS);
    // A sender over its quota in that mailbox is refused like a full mailbox: never reported stored.
    if (response.senderQuotaExceeded !== undefined) return { mailboxFull: { capacity: response.senderQuotaExceeded.quota } };
    return response;
  }

  fetch(accountId: string, deviceId: number, afterSequence: number, limit: number): Promise<mailbox.FetchResponse> {
    return callGrpc(this.client.fetch({ accountId, deviceId, afterSequence, limit }), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }

  async ack(accountId: string, deviceId: number, serverGuids: Uint8Array[]): Promise<void> {
    if (serverGuids.length === 0) return;
    await callGrpc(this.client.ack({ accountId, deviceId, serverGuids }), this.config.GATEWAY_GRPC_DEADLINE_MS);
  }
}
