import { generateSigningKey, publicKeyOf } from '@coming/access-token';
import { NATS_SERVICES, natsAuthorizationConfig, type NatsService, type NatsUser } from '@coming/broker';
import { grpcCallersOf, grpcCallerTokenVariable } from '@coming/grpc';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { NatsServerProcess } from './nats-server-process';
import { ServiceProcess } from './service-process';

export interface StackOptions {
  gateways: number;
  /** The first gateway's port; the others follow. */
  gatewayPort: number;
  /**
   * Four consecutive ports for the inner services' gRPC servers, then four for their
   * health ports, then one health port per gateway.
   */
  internalPortBase: number;
  databaseUrl: string;
  redisUrl: string;
  /** A NATS to share; ignored with ownNats. */
  natsUrl: string;
  /**
   * Start a nats-server of the stack's own with a user and subject permissions per service
   * (natsAuthorizationConfig). Otherwise services present their users to natsUrl, which
   * ignores them unless it was configured with the same authorization.
   */
  ownNats?: boolean;
  redisKeyPrefix: string;
  natsSubjectPrefix: string;
  logLevel?: string;
  /** One log file per process goes here; output is inherited when unset. */
  logDir?: string;
  /** Each process appends its spans to `<name>.spans.jsonl` here; tracing stays off when unset. */
  traceDir?: string;
  /** Extra settings for every process, e.g. shorter timeouts in tests. */
  env?: Record<string, string>;
}

export interface Stack {
  auth: ServiceProcess;
  mailbox: ServiceProcess;
  keys: ServiceProcess;
  payments: ServiceProcess;
  gateways: ServiceProcess[];
  /** The token signing key, for tests that mint tokens of their own. */
  signingKey: string;
  /** The NATS the services use: the stack's own with ownNats. */
  natsUrl: string;
  gatewayUrl(index: number): string;
  stop(): Promise<void>;
}

/** Starts every service as its own process against shared PostgreSQL, Redis and NATS. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const signingKey = generateSigningKey();
  const base = options.internalPortBase;
  const grpc = (offset: number) => `127.0.0.1:${base + offset}`;
  const health = (offset: number) => base + 4 + offset;
  const secret = () => randomBytes(32).toString('base64url');
  // Every service its own gRPC token and NATS user.
  const grpcTokens = Object.fromEntries(NATS_SERVICES.map((service) => [service, secret()])) as Record<NatsService, string>;
  const natsUsers = Object.fromEntries(
    NATS_SERVICES.map((service) => [service, { user: `${options.natsSubjectPrefix}-${service}`, password: secret() }]),
  ) as Record<NatsService, NatsUser>;
  const nats =
    options.ownNats === true ? await NatsServerProcess.start(natsAuthorizationConfig(options.natsSubjectPrefix, natsUsers)) : undefined;
  const natsUrl = nats?.url ?? options.natsUrl;
  const shared = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    NATS_URL: natsUrl,
    REDIS_KEY_PREFIX: options.redisKeyPrefix,
    NATS_SUBJECT_PREFIX: options.natsSubjectPrefix,
    LOG_LEVEL: options.logLevel ?? 'info',
    ...options.env,
  };
  const credentials = (app: NatsService): Record<string, string> => ({
    GRPC_TOKEN: grpcTokens[app],
    NATS_USER: natsUsers[app].user,
    NATS_PASSWORD: natsUsers[app].password,
    ...Object.fromEntries(grpcCallersOf(app).map((caller) => [grpcCallerTokenVariable(caller), grpcTokens[caller as NatsService]])),
  });
  const tracing = (name: string): Record<string, string> =>
    options.traceDir === undefined
      ? {}
      : { OTEL_TRACES_EXPORTER: 'file', COMING_TRACE_FILE: join(options.traceDir, `${name}.spans.jsonl`) };
  const service = (app: NatsService, name: string, env: Record<string, string>, readyPort: number) =>
    new ServiceProcess({
      app,
      name,
      env: { ...shared, ...credentials(app), ...tracing(name), OTEL_SERVICE_NAME: app, ...env },
      readyUrl: `http://127.0.0.1:${readyPort}/readyz`,
      ...(options.logDir === undefined ? {} : { logFile: join(options.logDir, `${name}.log`) }),
    });

  const auth = service(
    'auth',
    'auth',
    { AUTH_GRPC_URL: grpc(0), AUTH_HEALTH_PORT: String(health(0)), AUTH_SIGNING_KEY: signingKey },
    health(0),
  );
  const mailbox = service('mailbox', 'mailbox', { MAILBOX_GRPC_URL: grpc(1), MAILBOX_HEALTH_PORT: String(health(1)) }, health(1));
  const keys = service('keys', 'keys', { KEYS_GRPC_URL: grpc(2), KEYS_HEALTH_PORT: String(health(2)) }, health(2));
  const payments = service('payments', 'payments', { PAYMENTS_GRPC_URL: grpc(3), PAYMENTS_HEALTH_PORT: String(health(3)) }, health(3));
  const gateways = Array.from({ length: options.gateways }, (_, index) =>
    service(
      'gateway',
      `gateway-${index + 1}`,
      {
        GATEWAY_PORT: String(options.gatewayPort + index),
        GATEWAY_HEALTH_PORT: String(base + 8 + index),
        AUTH_PUBLIC_KEY: publicKeyOf(signingKey),
        AUTH_GRPC_TARGET: grpc(0),
        MAILBOX_GRPC_TARGET: grpc(1),
        KEYS_GRPC_TARGET: grpc(2),
        PAYMENTS_GRPC_TARGET: grpc(3),
      },
      base + 8 + index,
    ),
  );
  const all = [auth, mailbox, keys, payments, ...gateways];
  const stop = async () => {
    await Promise.all(all.map((process) => process.stop()));
    await nats?.stop();
  };
  try {
    // Services migrate their own tables at boot; starting them together shows that is safe.
    await Promise.all([auth.start(), mailbox.start(), keys.start(), payments.start()]);
    await Promise.all(gateways.map((gateway) => gateway.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    auth,
    mailbox,
    keys,
    payments,
    gateways,
    signingKey,
    natsUrl,
    gatewayUrl: (index) => `ws://127.0.0.1:${options.gatewayPort + index}`,
    stop,
  };
}
