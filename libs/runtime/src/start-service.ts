import { migrateToLatest } from '@coming/database';
import { grpcServerOptions, type GrpcServiceDefinition } from '@coming/grpc';
import { NestPinoLogger } from '@coming/logging';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { Migration } from 'kysely';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import { HealthController } from './health.module';
import { startHealthServer, stopHealthServer } from './health-server';
import type { Infrastructure } from './infrastructure';
import type { RunningService } from './run-until-signal';

export interface ServiceOptions {
  module: DynamicModule;
  infrastructure: Infrastructure;
  /** The gRPC service this app serves, if any, and where. */
  grpc?: { definition: GrpcServiceDefinition; url: string };
  /** HTTP port of the app's own routes (the gateway's login and WebSocket); none for the others. */
  httpPort?: number;
  /** Where httpPort and healthPort listen. */
  httpHost?: string;
  /** Port of /healthz, /readyz and /metrics; none on a single node's inner services. */
  healthPort?: number | undefined;
  /** Adjusts the app before it starts listening, e.g. to install a WebSocket adapter. */
  configure?: (app: INestApplication) => void;
}

export interface StartedService extends RunningService {
  app: INestApplication;
}

/** Boots one service's NestJS app with its gRPC server, HTTP routes and health port. */
export async function startService({
  module,
  infrastructure,
  grpc,
  httpPort,
  httpHost,
  healthPort,
  configure,
}: ServiceOptions): Promise<StartedService> {
  const app = await NestFactory.create(module, { logger: new NestPinoLogger(infrastructure.logger), abortOnError: false });
  configure?.(app);
  if (grpc !== undefined) {
    app.connectMicroservice(grpcServerOptions(grpc.definition, grpc.url, infrastructure.grpcTls), { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  const host = httpHost ?? '0.0.0.0';
  if (httpPort === undefined) await app.init();
  else await app.listen(httpPort, host);
  let health: Server | undefined;
  try {
    health = healthPort === undefined ? undefined : await startHealthServer(app.get(HealthController), healthPort, host);
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    app,
    close: async () => {
      // Readiness fails from the start of shutdown, so the health port closes last.
      await app.close();
      if (health !== undefined) await stopHealthServer(health);
    },
  };
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

/** A backend service: migrates its own tables, then serves its gRPC API and health port. */
export async function startGrpcService({
  service,
  migrations,
  module,
  infrastructure,
  grpc,
  healthPort,
}: GrpcServiceOptions): Promise<StartedService> {
  await migrateToLatest(infrastructure.db, service, migrations);
  return startService({ module, infrastructure, grpc, healthPort });
}
