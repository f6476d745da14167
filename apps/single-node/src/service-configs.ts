import { authConfigSchema, type AuthConfig } from '@coming/auth-service';
import { loadConfig } from '@coming/config';
import { type GatewayConfig, gatewayConfigSchema } from '@coming/gateway-service';
import { type KeysConfig, keysConfigSchema } from '@coming/keys-service';
import { type MailboxConfig, mailboxConfigSchema } from '@coming/mailbox-service';
import { type PaymentsConfig, paymentsConfigSchema } from '@coming/payments-service';
import type { SingleNodeConfig } from './single-node.config';

export interface ServiceConfigs {
  auth: AuthConfig;
  mailbox: MailboxConfig;
  keys: KeysConfig;
  payments: PaymentsConfig;
  gateway: GatewayConfig;
}

/**
 * Each service's settings on a single node: the same variables the scaled services read
 * (limits such as GATEWAY_MAX_FRAME_BYTES or MAILBOX_MAX_ENVELOPES_PER_DEVICE), with the
 * wiring between the services in one process fixed on top, since the node places them.
 */
export function serviceConfigsOf(
  node: SingleNodeConfig,
  wiring: { signingKey: string; authPublicKey: string },
  env: Record<string, string | undefined>,
): ServiceConfigs {
  const port = (offset: number) => `127.0.0.1:${node.COMING_INTERNAL_PORT_BASE + offset}`;
  return {
    auth: loadConfig(authConfigSchema, { ...env, AUTH_GRPC_URL: port(0), AUTH_SIGNING_KEY: wiring.signingKey }),
    mailbox: loadConfig(mailboxConfigSchema, { ...env, MAILBOX_GRPC_URL: port(1) }),
    keys: loadConfig(keysConfigSchema, { ...env, KEYS_GRPC_URL: port(2) }),
    payments: loadConfig(paymentsConfigSchema, { ...env, PAYMENTS_GRPC_URL: port(3) }),
    gateway: loadConfig(gatewayConfigSchema, {
      ...env,
      GATEWAY_PORT: String(node.PORT),
      GATEWAY_HOST: node.HOST,
      ...(node.HEALTH_PORT === undefined ? {} : { GATEWAY_HEALTH_PORT: String(node.HEALTH_PORT) }),
      AUTH_PUBLIC_KEY: wiring.authPublicKey,
      AUTH_GRPC_TARGET: port(0),
      MAILBOX_GRPC_TARGET: port(1),
      KEYS_GRPC_TARGET: port(2),
      PAYMENTS_GRPC_TARGET: port(3),
    }),
  };
}
