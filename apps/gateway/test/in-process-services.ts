import { generateSigningKey, publicKeyOf } from '@coming/access-token';
import { authConfigSchema, startAuth } from '@coming/auth-service';
import type { Broker } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { keysConfigSchema, startKeys } from '@coming/keys-service';
import { mailboxConfigSchema, startMailbox } from '@coming/mailbox-service';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, findFreePorts, type TestInfrastructure } from '@coming/testing';
import { randomBytes } from 'node:crypto';
import { startGateway } from '../src/gateway.app';
import { gatewayConfigSchema } from '../src/gateway.config';

export interface InProcessServices {
  infrastructure: TestInfrastructure;
  gateway: StartedService;
  /** ws://… of the gateway. */
  gatewayUrl: string;
  /** Where auth, mailbox and keys serve gRPC. */
  targets: { auth: string; mailbox: string; keys: string };
  /** Stops auth, as if it crashed; the other services keep running. */
  stopAuth(): Promise<void>;
  release(): Promise<void>;
}

export interface InProcessOptions {
  gatewayEnv?: Record<string, string>;
  mailboxEnv?: Record<string, string>;
  /** Has the mailbox expect another token of the gateway than the one it presents, so that it refuses the gateway's calls. */
  mailboxRefusesGateway?: boolean;
  /** The gateway's broker, when it must not be the shared one (to lose its connection, say). */
  gatewayBroker?: Broker;
}

/**
 * Auth, mailbox, keys and a gateway in this process, on the test file's own PostgreSQL
 * database, Redis prefix and NATS prefix: the scaled services' code on the real stores,
 * without starting processes, so that a test of the send path runs in seconds.
 */
export async function startInProcessServices(label: string, options: InProcessOptions = {}): Promise<InProcessServices> {
  const infrastructure = await createTestInfrastructure(label);
  const base = await findFreePorts(4);
  const url = (offset: number) => `127.0.0.1:${base + offset}`;
  const signingKey = generateSigningKey();
  // One after the other: each migrates its own tables in the shared database.
  const auth = await startAuth(loadConfig(authConfigSchema, { AUTH_GRPC_URL: url(0), AUTH_SIGNING_KEY: signingKey }), infrastructure);
  const mailbox = await startMailbox(
    loadConfig(mailboxConfigSchema, { MAILBOX_GRPC_URL: url(1), ...options.mailboxEnv }),
    options.mailboxRefusesGateway === true
      ? { ...infrastructure, grpcCallers: { gateway: randomBytes(32).toString('base64url') } }
      : infrastructure,
  );
  let authRunning = true;
  const keys = await startKeys(loadConfig(keysConfigSchema, { KEYS_GRPC_URL: url(2) }), infrastructure);
  const gateway = await startGateway(
    loadConfig(gatewayConfigSchema, {
      GATEWAY_PORT: String(base + 3),
      GATEWAY_HOST: '127.0.0.1',
      AUTH_PUBLIC_KEY: publicKeyOf(signingKey),
      AUTH_GRPC_TARGET: url(0),
      MAILBOX_GRPC_TARGET: url(1),
      KEYS_GRPC_TARGET: url(2),
      ...options.gatewayEnv,
    }),
    options.gatewayBroker === undefined ? infrastructure : { ...infrastructure, broker: options.gatewayBroker },
  );
  return {
    infrastructure,
    gateway,
    gatewayUrl: `ws://127.0.0.1:${base + 3}`,
    targets: { auth: url(0), mailbox: url(1), keys: url(2) },
    stopAuth: async () => {
      authRunning = false;
      await auth.close();
    },
    release: async () => {
      await gateway.close();
      await Promise.all([authRunning ? auth.close() : undefined, mailbox.close(), keys.close()]);
      await infrastructure.release();
    },
  };
}
