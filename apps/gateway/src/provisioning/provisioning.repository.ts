import { Broker, BrokerError, BrokerErrorCode, type BrokerSubscription, subjects } from '@coming/broker';
import { events } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

export type RelayOutcome = 'accepted' | 'used' | 'unknown';

/**
 * Provisioning messages between gateways: the gateway holding a new device's provisioning
 * connection answers on `provisioning.<address>`, whichever gateway the approving primary
 * is connected to. An address nobody answers on is wrong, expired or used up.
 */
@Injectable()
export class ProvisioningRepository {
  constructor(
    private readonly broker: Broker,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
  ) {}

  /** Takes the ciphertexts sent to `address`; `take` resolves true once the waiting device has one. */
  listen(address: string, take: (ciphertext: Uint8Array) => Promise<boolean>): BrokerSubscription {
    return this.broker.subscribe(subjects.provisioning(address), (message) => {
      let ciphertext: Uint8Array;
      try {
        ciphertext = events.ProvisioningRequest.decode(message.data).ciphertext;
      } catch {
        // Only gateways publish here; an undecodable request is not worth an answer.
        return;
      }
      void take(ciphertext).then((accepted) => message.respond(events.ProvisioningReply.encode({ accepted }).finish()));
    });
  }

  /** Resolves once the broker has every subscription made so far, so that a request sent next reaches it. */
  subscribed(): Promise<void> {
    return this.broker.ping();
  }

  async relay(address: string, ciphertext: Uint8Array): Promise<RelayOutcome> {
    try {
      const reply = await this.broker.request(
        subjects.provisioning(address),
        events.ProvisioningRequest.encode({ ciphertext }).finish(),
        this.config.GATEWAY_GRPC_DEADLINE_MS,
      );
      return events.ProvisioningReply.decode(reply).accepted ? 'accepted' : 'used';
    } catch (error) {
      // Nobody subscribed, or a connection that was going away as the request came: no device waits there.
      if (error instanceof BrokerError && error.code !== BrokerErrorCode.Unavailable) return 'unknown';
      throw error;
    }
  }
}
