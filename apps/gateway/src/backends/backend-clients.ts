import {
  createGrpcClient,
  type DeadlineClient,
  type GrpcServiceDefinition,
  grpcServices,
  GrpcTlsFiles,
  ServiceToken,
  withDeadline,
} from '@coming/grpc';
import type { auth, keys, mailbox, payments } from '@coming/proto';
import { type FactoryProvider, Inject } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

const AUTH_CLIENT = Symbol('AuthServiceClient');
const AUTH_BACKEND = Symbol('AuthBackend');
const MAILBOX_BACKEND = Symbol('MailboxBackend');
const KEYS_BACKEND = Symbol('KeysBackend');
const PAYMENTS_BACKEND = Symbol('PaymentsBackend');

export type AuthBackend = DeadlineClient<auth.AuthServiceClient>;
export type MailboxBackend = DeadlineClient<mailbox.MailboxServiceClient>;
export type KeysBackend = DeadlineClient<keys.KeysServiceClient>;
export type PaymentsBackend = DeadlineClient<payments.PaymentsServiceClient>;

/** The raw generated auth client, for callers that still apply the deadline themselves. */
export const InjectAuthClient = () => Inject(AUTH_CLIENT);
/** The services behind the gateway: every call has GATEWAY_GRPC_DEADLINE_MS and returns a promise. */
export const InjectAuthBackend = () => Inject(AUTH_BACKEND);
export const InjectMailboxBackend = () => Inject(MAILBOX_BACKEND);
export const InjectKeysBackend = () => Inject(KEYS_BACKEND);
export const InjectPaymentsBackend = () => Inject(PAYMENTS_BACKEND);

/** One channel per service, carrying the gateway's credential (and its certificate under mTLS). */
function clientProvider(provide: symbol, definition: GrpcServiceDefinition, target: (config: GatewayConfig) => string): FactoryProvider {
  return {
    provide,
    inject: [GATEWAY_CONFIG, ServiceToken, GrpcTlsFiles],
    useFactory: (config: GatewayConfig, token: ServiceToken, { tls }: GrpcTlsFiles) =>
      createGrpcClient<object>(definition, { url: target(config), serviceToken: token.value, tls }),
  };
}

function deadlineProvider(provide: symbol, client: symbol): FactoryProvider {
  return {
    provide,
    inject: [GATEWAY_CONFIG, client],
    useFactory: (config: GatewayConfig, raw: object) => withDeadline(raw, config.GATEWAY_GRPC_DEADLINE_MS),
  };
}

const MAILBOX_CLIENT = Symbol('MailboxServiceClient');
const KEYS_CLIENT = Symbol('KeysServiceClient');
const PAYMENTS_CLIENT = Symbol('PaymentsServiceClient');

/** gRPC clients of the services behind the gateway. */
export const backendClientProviders: FactoryProvider[] = [
  clientProvider(AUTH_CLIENT, grpcServices.auth, (config) => config.AUTH_GRPC_TARGET),
  clientProvider(MAILBOX_CLIENT, grpcServices.mailbox, (config) => config.MAILBOX_GRPC_TARGET),
  clientProvider(KEYS_CLIENT, grpcServices.keys, (config) => config.KEYS_GRPC_TARGET),
  clientProvider(PAYMENTS_CLIENT, grpcServices.payments, (config) => config.PAYMENTS_GRPC_TARGET),
  deadlineProvider(AUTH_BACKEND, AUTH_CLIENT),
  deadlineProvider(MAILBOX_BACKEND, MAILBOX_CLIENT),
  deadlineProvider(KEYS_BACKEND, KEYS_CLIENT),
  deadlineProvider(PAYMENTS_BACKEND, PAYMENTS_CLIENT),
];
