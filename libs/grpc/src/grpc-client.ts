import { InterceptingCall, type InterceptorOptions, type Metadata, type NextCall } from '@grpc/grpc-js';
import { type ClientGrpc, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { protoSourceOf } from './grpc-server-options';
import { type GrpcServiceDefinition, SERVICE_TOKEN_METADATA_KEY } from './grpc-services';
import { channelCredentialsOf, type GrpcTls, tlsChannelOptions } from './grpc-tls';

export interface GrpcClientOptions {
  url: string;
  /** The calling service's own token; the callee knows whose it is and what that caller may call. */
  serviceToken: string;
  /** Mutual TLS; plaintext when unset. */
  tls?: GrpcTls | undefined;
}

/**
 * A typed client for one of our gRPC services, `Client` being the interface ts-proto
 * generated for it. Every call carries the service token.
 */
export function createGrpcClient<Client extends object>(
  definition: GrpcServiceDefinition,
  { url, serviceToken, tls }: GrpcClientOptions,
): Client {
  const proxy = ClientProxyFactory.create({
    transport: Transport.GRPC,
    options: {
      url,
      ...protoSourceOf(definition),
      ...(tls === undefined ? {} : { credentials: channelCredentialsOf(tls) }),
      // Nest passes channel options through to the grpc-js client constructor. Round robin
      // spreads calls over every address the target resolves to: with a dns:/// target on a
      // headless Service, over every replica, instead of pinning one connection to one pod.
      channelOptions: {
        interceptors: [serviceTokenInterceptor(serviceToken)],
        'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
        ...tlsChannelOptions(tls),
      } as Record<string, unknown>,
    },
  }) as unknown as ClientGrpc;
  return proxy.getService<Client>(definition.service);
}

function serviceTokenInterceptor(serviceToken: string) {
  return (options: InterceptorOptions, nextCall: NextCall): InterceptingCall =>
    new InterceptingCall(nextCall(options), {
      start(metadata: Metadata, listener, next) {
        metadata.set(SERVICE_TOKEN_METADATA_KEY, serviceToken);
        next(metadata, listener);
      },
    });
}
