import { createGrpcClient, grpcServices } from '@coming/grpc';
import type { auth, keys, mailbox } from '@coming/proto';
import { type FactoryProvider, Inject } from '@nestjs/common';
import { GrpcTlsFiles, ServiceToken } from '@coming/grpc';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config';

const AUTH_CLIENT = Symbol('AuthServiceClient');
const MAILBOX_CLIENT = Symbol('MailboxServiceClient');
const KEYS_CLIENT = Symbol('KeysServiceClient');

export const InjectAuthClient = () => Inject(AUTH_CLIENT);
export const InjectMailboxClient = () => Inject(MAILBOX_CLIENT);
export const InjectKeysClient = () => Inject(KEYS_CLIENT);

/** gRPC clients of the services behind the gateway. */
export const backendClientProviders: FactoryProvider[] = [
  {
    provide: AUTH_CLIENT,
    inject: [GATEWAY_CONFIG, ServiceToken, GrpcTlsFiles],
    useFactory: (config: GatewayConfig, token: ServiceToken, { tls }: GrpcTlsFiles) =>
      createGrpcClient<auth.AuthServiceClient>(grpcServices.auth, { url: config.AUTH_GRPC_TARGET, serviceToken: token.value, tls }),
  },
  {
    provide: MAILBOX_CLIENT,
    inject: [GATEWAY_CONFIG, ServiceToken, GrpcTlsFiles],
    useFactory: (config: GatewayConfig, token: ServiceToken, { tls }: GrpcTlsFiles) =>
      createGrpcClient<mailbox.MailboxServiceClient>(grpcServices.mailbox, {
        url: config.MAILBOX_GRPC_TARGET,
        serviceToken: token.value,
        tls,
      }),
  },
  {
    provide: KEYS_CLIENT,
    inject: [GATEWAY_CONFIG, ServiceToken, GrpcTlsFiles],
    useFactory: (config: GatewayConfig, token: ServiceToken, { tls }: GrpcTlsFiles) =>
      createGrpcClient<keys.KeysServiceClient>(grpcServices.keys, { url: config.KEYS_GRPC_TARGET, serviceToken: token.value, tls }),
  },
];
