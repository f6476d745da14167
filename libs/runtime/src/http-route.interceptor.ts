import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { context as otelContext } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { Observable } from 'rxjs';

/**
 * Tells the HTTP instrumentation which route served a request, so that its span is named
 * `POST /v1/auth/login` rather than `POST`, and its duration metric carries `http.route`.
 */
@Injectable()
export class HttpRouteInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const route = context.switchToHttp().getRequest<{ route?: { path?: unknown } }>().route?.path;
      const metadata = getRPCMetadata(otelContext.active());
      if (metadata?.type === RPCType.HTTP && typeof route === 'string') metadata.route = route;
    }
    return next.handle();
  }
}
