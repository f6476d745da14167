import { loadConfig } from '@coming/config';
import { processTelemetry } from '@coming/telemetry';
import { z } from 'zod';
import { closeInfrastructure, connectInfrastructure, type Infrastructure } from './infrastructure';
import { grpcCallerTokensSchema, infrastructureConfigSchema } from './infrastructure.config';
import { grpcCallersOf, grpcCallerTokenVariable } from '@coming/grpc';
import { type RunningService, runUntilSignal } from './run-until-signal';

/**
 * The whole of a scaled service's main: read its settings and the shared ones, connect
 * to PostgreSQL, Redis and NATS, start, and stop cleanly on SIGTERM.
 */
export function runScaledService<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  start: (config: z.infer<Schema>, infrastructure: Infrastructure) => Promise<RunningService>,
): void {
  const boot = async () => {
    const config = loadConfig(schema);
    const callerTokens: Record<string, string> = loadConfig(grpcCallerTokensSchema(service));
    const grpcCallers = Object.fromEntries(
      grpcCallersOf(service).map((caller) => [caller, callerTokens[grpcCallerTokenVariable(caller)] ?? '']),
    );
    const infrastructure = await connectInfrastructure(service, loadConfig(infrastructureConfigSchema), grpcCallers);
    const running = await start(config, infrastructure);
    infrastructure.logger.info(`${service} ready`);
    const close = async () => {
      await running.close().finally(() => closeInfrastructure(infrastructure));
      // Last, so that spans of the shutdown itself are flushed too.
      await processTelemetry()?.shutdown();
    };
    runUntilSignal({ close }, infrastructure.logger);
  };
  boot().catch((error: unknown) => {
    console.error(`${service} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
