import type { Metadata } from '@grpc/grpc-js';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { timingSafeEqual } from 'node:crypto';
import { SERVICE_TOKEN_METADATA_KEY } from './grpc-services';

/** Marks the shared secret that every internal gRPC call must carry. */
export abstract class ServiceToken {
  abstract readonly value: string;
}

/** Refuses any gRPC call that does not carry the deployment's service token. */
@Injectable()
export class ServiceTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(token: ServiceToken) {
    this.expected = Buffer.from(token.value);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'rpc') return true;
    const metadata = context.switchToRpc().getContext<Metadata>();
    const presented = metadata.get(SERVICE_TOKEN_METADATA_KEY)[0];
    const given = Buffer.from(typeof presented === 'string' ? presented : '');
    if (given.length === this.expected.length && timingSafeEqual(given, this.expected)) return true;
    throw new RpcException({ code: status.UNAUTHENTICATED, message: `missing or wrong ${SERVICE_TOKEN_METADATA_KEY}` });
  }
}
