import { GRPC_MAX_MESSAGE_BYTES } from '@coming/proto';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { GrpcServiceDefinition } from './grpc-services';
import { packageDefinitionOf } from './proto-package';
import { type GrpcTls, serverCredentialsOf } from './grpc-tls';

const MAX_CONNECTION_AGE_MS = 5 * 60_000;
const MAX_CONNECTION_AGE_GRACE_MS = 30_000;

/** How the gRPC loader finds a service's definition; the same for its server and its clients. */
export function protoSourceOf(definition: GrpcServiceDefinition) {
  return { package: definition.package, packageDefinition: packageDefinitionOf(definition) };
}

/** A service's gRPC server; with `tls`, only clients with a certificate from the same CA connect. */
export function grpcServerOptions(definition: GrpcServiceDefinition, url: string, tls?: GrpcTls): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url,
      ...protoSourceOf(definition),
      ...(tls === undefined ? {} : { credentials: serverCredentialsOf(tls) }),
      maxReceiveMessageLength: GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: GRPC_MAX_MESSAGE_BYTES,
      gracefulShutdown: true,
      // Clients reconnect (and so re-resolve DNS) at least this often, which is how
      // round-robin callers discover replicas added since they connected.
      channelOptions: {
        'grpc.max_connection_age_ms': MAX_CONNECTION_AGE_MS,
        'grpc.max_connection_age_grace_ms': MAX_CONNECTION_AGE_GRACE_MS,
      },
      // The standard grpc.health.v1 service, for Kubernetes gRPC probes and load balancers.
      // It sits outside Nest, so it needs no service token.
      onLoadPackageDefinition: (_package, server) => {
        new HealthImplementation({ '': 'SERVING', [`${definition.package}.${definition.service}`]: 'SERVING' }).addToServer(
          server as Server,
        );
      },
    },
  };
}
