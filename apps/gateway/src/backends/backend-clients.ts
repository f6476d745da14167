import { createGrpcClient, type DeadlineClient, grpcServices, ServiceToken, withDeadline } from '@coming/grpc';
import type { auth, keys, mailbox } from '@coming/proto';
import { type FactoryProvider, Inject } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

const AUTH_CLIENT = Symbol('AuthServiceClient');
const AUTH_BACKEND = Symbol('AuthBackend');
const MAILBOX_BACKEND = Symbol('MailboxBackend');
const KEYS_BACKEND = Symbol('KeysBackend');

export type AuthBackend = DeadlineClient<auth.AuthServiceClient>;
export type MailboxBackend = DeadlineClient<mailbox.MailboxServiceClient>;
export type KeysBackend = DeadlineClient<keys.KeysServiceClient>;

/** The raw generated auth client, for callers that still apply the deadline themselves. */
export const InjectAuthClient = () => Inject(AUTH_CLIENT);
/** The services behind the gateway: every call has GATEWAY_GRPC_DEADLINE_MS and returns a promise. */
export const InjectAuthBackend = () => Inject(AUTH_BACKEND);
export const InjectMailboxBackend = () => Inject(MAILBOX_BACKEND);
export const InjectKeysBackend = () => Inject(KEYS_BACKEND);

/** gRPC clients of the services behind the gateway, one channel per service. */
export const backendClientProviders: FactoryProvider[] = [
  {
    provide: AUTH_CLIENT,
    inject: [GATEWAY_CONFIG, ServiceToken],
    useFactory: (config: GatewayConfig, token: ServiceToken) =>
      createGrpcClient<auth.AuthServiceClient>(grpcServices.auth, { url: config.AUTH_GRPC_TARGET, serviceToken: token.value }),
  },
  {
    provide: AUTH_BACKEND,
    inject: [GATEWAY_CONFIG, AUTH_CLIENT],
    useFactory: (config: GatewayConfig, client: auth.AuthServiceClient): AuthBackend =>
      withDeadline(client, config.GATEWAY_GRPC_DEADLINE_MS),
  },
  {
    provide: MAILBOX_BACKEND,
    inject: [GATEWAY_CONFIG, ServiceToken],
    useFactory: (config: GatewayConfig, token: ServiceToken): MailboxBackend =>
      withDeadline(
        createGrpcClient<mailbox.MailboxServiceClient>(grpcServices.mailbox, {
          url: config.MAILBOX_GRPC_TARGET,
          serviceToken: token.value,
        }),
        config.GATEWAY_GRPC_DEADLINE_MS,
      ),
  },
  {
    provide: KEYS_BACKEND,
    inject: [GATEWAY_CONFIG, ServiceToken],
    useFactory: (config: GatewayConfig, token: ServiceToken): KeysBackend =>
      withDeadline(
        createGrpcClient<keys.KeysServiceClient>(grpcServices.keys, { url: config.KEYS_GRPC_TARGET, serviceToken: token.value }),
        config.GATEWAY_GRPC_DEADLINE_MS,
      ),
  },
];
