import type { DomainError } from '@coming/errors';
import type { status } from '@grpc/grpc-js';
import { grpcError } from './grpc-exception.filter';

/**
 * A controller's one mapper from its feature's domain errors to gRPC statuses. Any other
 * error passes on untouched to GrpcExceptionFilter, which logs it and answers INTERNAL.
 */
export function domainErrorMapper<Code extends string>(
  errorClass: abstract new (code: Code, message: string) => DomainError<Code>,
  statusOf: (code: Code) => status,
): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof errorClass)) throw error;
    throw grpcError(statusOf(error.code), error.message);
  };
}
