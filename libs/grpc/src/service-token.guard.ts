import type { Metadata } from '@grpc/grpc-js';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { status } from '@grpc/grpc-js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { grpcCallerPolicy } from './grpc-callers';
import { SERVICE_TOKEN_METADATA_KEY } from './grpc-services';

/** This process's own token, presented on every gRPC call it makes. */
export abstract class ServiceToken {
  abstract readonly value: string;
}

/** The tokens this process accepts on the gRPC services it serves, by the name of the calling service. */
export abstract class GrpcCallerTokens {
  abstract readonly byCaller: Readonly<Record<string, string>>;
}

/**
 * Refuses a gRPC call unless it carries the token of a known caller (UNAUTHENTICATED) and
 * `grpcCallerPolicy` lets that caller call the method (PERMISSION_DENIED).
 */
@Injectable()
export class ServiceTokenGuard implements CanActivate {
  private readonly callers: { name: string; digest: Buffer }[];

  constructor(tokens: GrpcCallerTokens) {
    this.callers = Object.entries(tokens.byCaller).map(([name, token]) => ({ name, digest: digestOf(token) }));
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'rpc') return true;
    const metadata = context.switchToRpc().getContext<Metadata>();
    const presented = metadata.get(SERVICE_TOKEN_METADATA_KEY)[0];
    // Digests have one length, so every comparison takes the same time whatever was presented.
    const digest = digestOf(typeof presented === 'string' ? presented : '');
    const caller = this.callers.find((each) => timingSafeEqual(each.digest, digest));
    if (caller === undefined) {
      throw new RpcException({ code: status.UNAUTHENTICATED, message: `missing or unknown ${SERVICE_TOKEN_METADATA_KEY}` });
    }
    const handler = context.getHandler();
    const service = serviceOf(handler);
    if (grpcCallerPolicy[service]?.[caller.name]?.includes(handler.name) !== true) {
      throw new RpcException({ code: status.PERMISSION_DENIED, message: `${caller.name} may not call ${service}.${handler.name}` });
    }
    return true;
  }
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The gRPC service a controller method serves, from the pattern @GrpcMethod recorded. */
function serviceOf(handler: object): string {
  const patterns: unknown = Reflect.getMetadata(PATTERN_METADATA, handler);
  const pattern: unknown = Array.isArray(patterns) ? patterns[0] : patterns;
  return typeof pattern === 'object' && pattern !== null && 'service' in pattern && typeof pattern.service === 'string'
    ? pattern.service
    : '';
}
