import { generateSigningKey, publicKeyOf } from '@coming/access-token';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ServiceProcess } from './service-process';

export interface StackOptions {
  gateways: number;
  /** The first gateway's port; the others follow. */
  gatewayPort: number;
  /** Four consecutive ports for the inner services' gRPC servers, then four for their health. */
  internalPortBase: number;
  databaseUrl: string;
  redisUrl: string;
  natsUrl: string;
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
  gatewayUrl(index: number): string;
  stop(): Promise<void>;
}

/** Starts every service as its own process against shared PostgreSQL, Redis and NATS. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const signingKey = generateSigningKey();
  const base = options.internalPortBase;
  const grpc = (offset: number) => `127.0.0.1:${base + offset}`;
  const health = (offset: number) => base + 4 + offset;
  const shared = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    NATS_URL: options.natsUrl,
    REDIS_KEY_PREFIX: options.redisKeyPrefix,
    NATS_SUBJECT_PREFIX: options.natsSubjectPrefix,
    SERVICE_TOKEN: randomBytes(32).toString('base64url'),
    LOG_LEVEL: options.logLevel ?? 'info',
    ...options.env,
  };
  const tracing = (name: string): Record<string, string> =>
    options.traceDir === undefined
      ? {}
      : { OTEL_TRACES_EXPORTER: 'file', COMING_TRACE_FILE: join(options.traceDir, `${name}.spans.jsonl`) };
  const service = (app: string, name: string, env: Record<string, string>, readyPort: number) =>
    new ServiceProcess({
      app,
      name,
      env: { ...shared, ...tracing(name), OTEL_SERVICE_NAME: app, ...env },
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
  const payments = service('payments', 'payments', { PAYMENTS_HEALTH_PORT: String(health(3)) }, health(3));
  const gateways = Array.from({ length: options.gateways }, (_, index) =>
    service(
      'gateway',
      `gateway-${index + 1}`,
      {
        GATEWAY_PORT: String(options.gatewayPort + index),
        AUTH_PUBLIC_KEY: publicKeyOf(signingKey),
        AUTH_GRPC_TARGET: grpc(0),
        MAILBOX_GRPC_TARGET: grpc(1),
        KEYS_GRPC_TARGET: grpc(2),
      },
      options.gatewayPort + index,
    ),
  );
  const all = [auth, mailbox, keys, payments, ...gateways];
  const stop = async () => {
    await Promise.all(all.map((process) => process.stop()));
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
    gatewayUrl: (index) => `ws://127.0.0.1:${options.gatewayPort + index}`,
    stop,
  };
}
