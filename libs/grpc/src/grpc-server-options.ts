import { GRPC_MAX_MESSAGE_BYTES, PROTO_ROOT } from '@coming/proto';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import type { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { join } from 'node:path';
import type { GrpcServiceDefinition } from './grpc-services';

const MAX_CONNECTION_AGE_MS = 5 * 60_000;
const MAX_CONNECTION_AGE_GRACE_MS = 30_000;

// Matches ts-proto's output: camelCase fields, numbers for 64-bit integers and enums.
const grpcLoaderOptions = {
  keepCase: false,
  longs: Number,
  enums: Number,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

/** How the gRPC loader finds a service's definition; the same for its server and its clients. */
export function protoSourceOf(definition: GrpcServiceDefinition) {
  return { package: definition.package, protoPath: join(PROTO_ROOT, definition.protoPath), loader: grpcLoaderOptions };
}

export function grpcServerOptions(definition: GrpcServiceDefinition, url: string): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url,
      ...protoSourceOf(definition),
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
