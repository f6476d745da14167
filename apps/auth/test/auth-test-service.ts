import { generateSigningKey } from '@coming/access-token';
import type { Broker } from '@coming/broker';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, grpcServices } from '@coming/grpc';
import { accountKeyFromMnemonic, signLogin } from '@coming/identity';
import type { auth } from '@coming/proto';
import type { Infrastructure, StartedService } from '@coming/runtime';
import { findFreePorts } from '@coming/testing';
import { randomInt } from 'node:crypto';
import { startAuth } from '../src/auth.app';
import { authConfigSchema } from '../src/auth.config';

export const DEADLINE_MS = 5_000;
export const AUDIENCE = '127.0.0.1';

export interface AuthUnderTest {
  service: StartedService;
  client: auth.AuthServiceClient;
  /** A fresh challenge's bytes; fails the test when rate limited. Addresses default to random ones. */
  challenge(clientIp?: string): Promise<Uint8Array>;
  /** A complete login with the account key of `mnemonic`, as a client would do it. */
  login(mnemonic: string, deviceId: number, options?: { clientIp?: string; audience?: string }): Promise<auth.LoginResponse>;
  /** Like login, but the tokens of a success; fails the test otherwise. */
  loggedIn(mnemonic: string, deviceId: number): Promise<auth.LoggedIn>;
  close(): Promise<void>;
}

/** Starts auth on the given backends with test settings, plus a client and login helpers. */
export async function startAuthUnderTest(infrastructure: Infrastructure, env: Record<string, string> = {}): Promise<AuthUnderTest> {
  const url = `127.0.0.1:${await findFreePorts(1)}`;
  const config = loadConfig(authConfigSchema, { AUTH_GRPC_URL: url, AUTH_SIGNING_KEY: generateSigningKey(), ...env });
  const service = await startAuth(config, infrastructure);
  const client = createGrpcClient<auth.AuthServiceClient>(grpcServices.auth, { url, serviceToken: infrastructure.serviceToken });

  const challenge = async (clientIp = someIp()) => {
    const response = await callGrpc(client.createChallenge({ clientIp }), DEADLINE_MS);
    if (response.challenge === undefined) throw new Error(`no challenge: ${JSON.stringify(response)}`);
    return response.challenge.challenge;
  };
  const login = async (mnemonic: string, deviceId: number, { clientIp = someIp(), audience = AUDIENCE } = {}) => {
    const key = accountKeyFromMnemonic(mnemonic);
    const bytes = await challenge(clientIp);
    const signature = signLogin({ challenge: bytes, accountId: key.accountId, deviceId, audience }, key.privateKey);
    return callGrpc(
      client.login({ accountId: key.accountId, deviceId, challenge: bytes, signature, clientIp, audience, deviceCertificate: undefined }),
      DEADLINE_MS,
    );
  };
  const loggedIn = async (mnemonic: string, deviceId: number) => {
    const response = await login(mnemonic, deviceId);
    if (response.loggedIn === undefined) throw new Error(`login refused: ${JSON.stringify(response)}`);
    return response.loggedIn;
  };
  return { service, client, challenge, login, loggedIn, close: () => service.close() };
}

/** A random private address, so that per-IP limits of one login do not touch another. */
export function someIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`;
}

/**
 * Subscribes to `subject` and waits until the broker has the subscription, so that what
 * the caller does next cannot be missed; `next` is the payload of the first message.
 */
export async function subscribeOnce(broker: Broker, subject: string): Promise<{ next: Promise<Uint8Array> }> {
  const next = new Promise<Uint8Array>((resolve) => {
    const subscription = broker.subscribe(subject, (message) => {
      subscription.unsubscribe();
      resolve(message.data);
    });
  });
  await broker.ping();
  return { next };
}
