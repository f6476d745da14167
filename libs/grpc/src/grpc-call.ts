import { status } from '@grpc/grpc-js';
import { lastValueFrom, type Observable, timeout } from 'rxjs';

export { status as GrpcStatus } from '@grpc/grpc-js';

/** A gRPC failure as the caller sees it: the status code and the callee's message. */
export class GrpcCallError extends Error {
  override readonly name = 'GrpcCallError';

  constructor(
    readonly code: status,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Awaits one unary call. Past the deadline the call is cancelled (unsubscribing cancels
 * it) and fails as DEADLINE_EXCEEDED.
 */
export async function callGrpc<Response>(call: Observable<Response>, deadlineMs: number): Promise<Response> {
  try {
    return await lastValueFrom(call.pipe(timeout(deadlineMs)));
  } catch (error) {
    throw toGrpcCallError(error, deadlineMs);
  }
}

function toGrpcCallError(error: unknown, deadlineMs: number): GrpcCallError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new GrpcCallError(status.DEADLINE_EXCEEDED, `no answer within ${deadlineMs} ms`, { cause: error });
  }
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    const details = 'details' in error && typeof error.details === 'string' ? error.details : `gRPC status ${error.code}`;
    return new GrpcCallError(error.code, details, { cause: error });
  }
  return new GrpcCallError(status.UNKNOWN, String(error), { cause: error });
}

/** A ts-proto generated client whose calls return promises with the deadline already applied. */
export type DeadlineClient<Client> = {
  [Method in keyof Client]: Client[Method] extends (request: infer Request, ...rest: never[]) => Observable<infer Response>
    ? (request: Request) => Promise<Response>
    : never;
};

/**
 * Wraps a generated client so that every call gets the same deadline, set once where the
 * client is made rather than by hand at each call site. Failures are GrpcCallErrors.
 */
export function withDeadline<Client extends object>(client: Client, deadlineMs: number): DeadlineClient<Client> {
  const calls = new Map<PropertyKey, (request: unknown) => Promise<unknown>>();
  return new Proxy(client, {
    get(target, method) {
      let call = calls.get(method);
      if (call === undefined) {
        const rpc: unknown = Reflect.get(target, method);
        // Not an RPC (a framework probing for `then` or lifecycle hooks, say): nothing here.
        if (typeof rpc !== 'function') return undefined;
        call = (request) => callGrpc((rpc as (request: unknown) => Observable<unknown>).call(target, request), deadlineMs);
        calls.set(method, call);
      }
      return call;
    },
  }) as unknown as DeadlineClient<Client>;
}
