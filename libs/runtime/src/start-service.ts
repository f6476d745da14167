import { migrateToLatest } from '@coming/database';
import { grpcServerOptions, type GrpcServiceDefinition } from '@coming/grpc';
import { NestPinoLogger } from '@coming/logging';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { Migration } from 'kysely';
import { NestFactory } from '@nestjs/core';
import type { Infrastructure } from './infrastructure';
import type { RunningService } from './run-until-signal';

export interface ServiceOptions {
  module: DynamicModule;
  infrastructure: Infrastructure;
  /** The gRPC service this app serves, if any, and where. */
  grpc?: { definition: GrpcServiceDefinition; url: string };
  /** HTTP port for health (and any HTTP routes); none on a single node's inner services. */
  httpPort?: number;
  httpHost?: string;
  /** Adjusts the app before it starts listening, e.g. to install a WebSocket adapter. */
  configure?: (app: INestApplication) => void;
}

export interface StartedService extends RunningService {
  app: INestApplication;
}

/** Boots one service's NestJS app with its gRPC server and health endpoints. */
export async function startService({
  module,
  infrastructure,
  grpc,
  httpPort,
  httpHost,
  configure,
}: ServiceOptions): Promise<StartedService> {
  const app = await NestFactory.create(module, { logger: new NestPinoLogger(infrastructure.logger), abortOnError: false });
  configure?.(app);
  if (grpc !== undefined) {
    app.connectMicroservice(grpcServerOptions(grpc.definition, grpc.url), { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  if (httpPort === undefined) await app.init();
  else await app.listen(httpPort, httpHost ?? '0.0.0.0');
  return { app, close: () => app.close() };
}

export interface GrpcServiceOptions {
  /** Names the service's migration tables. */
  service: string;
  migrations: Record<string, Migration>;
  module: DynamicModule;
  infrastructure: Infrastructure;
  grpc: { definition: GrpcServiceDefinition; url: string };
  healthPort: number | undefined;
}

/** A backend service: migrates its own tables, then serves its gRPC API and health endpoints. */
export async function startGrpcService({
  service,
  migrations,
  module,
  infrastructure,
  grpc,
  healthPort,
}: GrpcServiceOptions): Promise<StartedService> {
  await migrateToLatest(infrastructure.db, service, migrations);
  return startService({ module, infrastructure, grpc, httpPort: healthPort });
}
