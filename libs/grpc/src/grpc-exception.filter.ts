import { status } from '@grpc/grpc-js';
import { type ArgumentsHost, Catch, Injectable, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { InjectLogger, type Logger } from '@coming/logging';
import { type Observable, throwError } from 'rxjs';

/**
 * The last stop for gRPC errors: mapped ones pass through with their status; anything
 * else is logged here and leaves as INTERNAL, without internals.
 */
@Catch()
@Injectable()
export class GrpcExceptionFilter implements RpcExceptionFilter {
  constructor(@InjectLogger() private readonly logger: Logger) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (exception instanceof RpcException) return throwError(() => exception.getError());
    this.logger.error({ err: exception }, 'unhandled error in gRPC call');
    return throwError(() => ({ code: status.INTERNAL, message: 'internal error' }));
  }
}

/** A gRPC status with a message naming what was wrong. */
export function grpcError(code: status, message: string): RpcException {
  return new RpcException({ code, message });
}
