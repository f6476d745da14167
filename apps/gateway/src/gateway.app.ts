import { type Infrastructure, startService, type StartedService } from '@coming/runtime';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ClientWsAdapter } from './connections/client-ws-adapter';
import { DEVICE_PATH } from './connections/client.websocket-gateway';
import { UpgradeAuthenticator } from './connections/upgrade-authenticator';
import type { GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { ProvisioningUpgradeLimiter } from './provisioning/provisioning-upgrade.limiter';
import { PROVISIONING_PATH } from './provisioning/provisioning.websocket-gateway';

// Frames up to this multiple of the limit get a FRAME_TOO_LARGE error and the socket
// stays open; beyond it ws closes the socket with 1009 without buffering the rest.
const HARD_PAYLOAD_FACTOR = 4;
const PROVISIONING_MAX_PAYLOAD = 1024;

/** Serves clients: login over HTTP, the WebSocket at /v1/websocket and new devices' at /v1/provisioning. The gateway owns no tables. */
export function startGateway(config: GatewayConfig, infrastructure: Infrastructure): Promise<StartedService> {
  return startService({
    module: GatewayModule.register(config, infrastructure),
    infrastructure,
    httpPort: config.GATEWAY_PORT,
    httpHost: config.GATEWAY_HOST,
    healthPort: config.GATEWAY_HEALTH_PORT,
    configure: (app) => {
      (app as NestExpressApplication).set('trust proxy', config.GATEWAY_TRUSTED_PROXIES);
      app.useWebSocketAdapter(
        new ClientWsAdapter(app, {
          [DEVICE_PATH]: {
            verifyClient: app.get(UpgradeAuthenticator).verifyClient,
            maxPayload: config.GATEWAY_MAX_FRAME_BYTES * HARD_PAYLOAD_FACTOR,
          },
          // New devices send nothing on it; a small cap keeps a stranger's frames cheap.
          [PROVISIONING_PATH]: { verifyClient: app.get(ProvisioningUpgradeLimiter).verifyClient, maxPayload: PROVISIONING_MAX_PAYLOAD },
        }),
      );
    },
  });
}
