import { BrokerModule } from '@coming/broker';
import { CacheModule } from '@coming/cache';
import { DatabaseModule } from '@coming/database';
import { GrpcCallerTokens, GrpcTlsFiles, ServiceToken, ServiceTokenGuard } from '@coming/grpc';
import { LOGGER } from '@coming/logging';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { Clock } from './clock';
import { HealthModule } from './health.module';
import { HttpRouteInterceptor } from './http-route.interceptor';
import type { Infrastructure } from './infrastructure';

/**
 * Everything a service's module gets from the process it runs in: backends, logger,
 * clock, health checks, HTTP spans named by route, and the caller check on every gRPC call.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(infrastructure: Infrastructure): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [
        DatabaseModule.forRoot(infrastructure.db),
        CacheModule.forRoot(infrastructure.cache),
        BrokerModule.forRoot(infrastructure.broker),
        HealthModule,
      ],
      providers: [
        Clock,
        { provide: LOGGER, useValue: infrastructure.logger },
        { provide: ServiceToken, useValue: { value: infrastructure.serviceToken } },
        { provide: GrpcTlsFiles, useValue: { tls: infrastructure.grpcTls } },
        { provide: GrpcCallerTokens, useValue: { byCaller: infrastructure.grpcCallers } },
        { provide: APP_GUARD, useClass: ServiceTokenGuard },
        { provide: APP_INTERCEPTOR, useClass: HttpRouteInterceptor },
      ],
      exports: [Clock, LOGGER, ServiceToken, GrpcTlsFiles],
    };
  }
}
