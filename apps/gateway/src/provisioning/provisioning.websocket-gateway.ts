import { InjectLogger, type Logger } from '@coming/logging';
import { PROVISIONING_ADDRESS_BYTES, wire } from '@coming/proto';
import { type OnGatewayConnection, type OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { ProvisioningRepository } from './provisioning.repository';

// RFC 6455: the endpoint received data of a kind it cannot accept.
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_NORMAL = 1000;

/** Where new devices wait to be linked, without a token. */
export const PROVISIONING_PATH = '/v1/provisioning';

interface Waiting {
  stop(): void;
}

/**
 * The new device's side of linking, Signal's provisioning socket: an unauthenticated
 * connection that gets a fresh random address, waits for one ciphertext sent there by a
 * primary (through any gateway), hands it over and closes. An address is single-use,
 * known only to its connection until the device shows it, and expires with the
 * connection after GATEWAY_PROVISIONING_TTL_MS. The server never reads the ciphertext.
 */
@WebSocketGateway({ path: PROVISIONING_PATH })
export class ProvisioningWebSocketGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly waiting = new Map<WebSocket, Waiting>();

  constructor(
    private readonly provisioning: ProvisioningRepository,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async handleConnection(socket: WebSocket) {
    const address = randomBytes(PROVISIONING_ADDRESS_BYTES).toString('base64url');
    const expiresAtMs = Date.now() + this.config.GATEWAY_PROVISIONING_TTL_MS;
    let used = false;
    const subscription = this.provisioning.listen(address, async (ciphertext) => {
      if (used || socket.readyState !== socket.OPEN) return false;
      used = true;
      const sent = await new Promise<boolean>((resolve) =>
        socket.send(wire.ProvisioningFrame.encode({ envelope: { ciphertext } }).finish(), (error) =>
          resolve(error === undefined || error === null),
        ),
      );
      socket.close(CLOSE_NORMAL, 'provisioned');
      return sent;
    });
    const expiry = setTimeout(
      () => socket.close(wire.CloseCode.CLOSE_CODE_PROVISIONING_EXPIRED, 'provisioning address expired: show a new link code'),
      this.config.GATEWAY_PROVISIONING_TTL_MS,
    );
    this.waiting.set(socket, {
      stop: () => {
        clearTimeout(expiry);
        // A used address keeps answering "used" a little longer, so that a second primary
        // approving the same link code hears so at once rather than at its deadline.
        if (used) setTimeout(() => subscription.unsubscribe(), this.config.GATEWAY_GRPC_DEADLINE_MS).unref();
        else subscription.unsubscribe();
      },
    });
    socket.on('message', () => socket.close(CLOSE_POLICY_VIOLATION, 'a provisioning connection only receives'));
    // The address goes out only once a primary's request to it is sure to find the subscription.
    await this.provisioning.subscribed();
    if (socket.readyState !== socket.OPEN) return;
    socket.send(wire.ProvisioningFrame.encode({ address: { address, expiresAtMs } }).finish(), (error) => {
      if (error !== undefined && error !== null)
        this.logger.debug({ err: error }, 'provisioning connection closed before its address was sent');
    });
  }

  handleDisconnect(socket: WebSocket) {
    this.waiting.get(socket)?.stop();
    this.waiting.delete(socket);
  }
}
