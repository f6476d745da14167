import { grpcCallersOf, grpcCallerTokenVariable } from '@coming/grpc';
import { z } from 'zod';

const SECRET = 'at least 32 characters of secret';
const pemFile = z.string().min(1).optional();

/** Settings every scaled service reads: where the shared backends are, and this service's own credentials. */
export const infrastructureConfigSchema = z
  .object({
    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/coming'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    REDIS_KEY_PREFIX: z.string().default('coming:'),
    NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    NATS_SUBJECT_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/, 'NATS subject tokens only')
      .default('coming'),
    /** This service's own NATS user and password; anonymous when unset, for a NATS without authorization. */
    NATS_USER: z.string().min(1).optional(),
    NATS_PASSWORD: z.string().min(1).optional(),
    /** PEM files: the CA of the NATS server's certificate (turns TLS on), and this client's certificate and key for mutual TLS. */
    NATS_TLS_CA: pemFile,
    NATS_TLS_CERT: pemFile,
    NATS_TLS_KEY: pemFile,
    /** This service's own gRPC token, presented on every call it makes; servers know whose it is. */
    GRPC_TOKEN: z.string().min(32, SECRET),
    /** PEM files for mutual TLS on every gRPC server and client: the deployment's CA, this service's certificate and key. */
    GRPC_TLS_CA: pemFile,
    GRPC_TLS_CERT: pemFile,
    GRPC_TLS_KEY: pemFile,
    /** The name clients expect in servers' certificates, when it differs from the target's host name. */
    GRPC_TLS_SERVER_NAME: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((config) => (config.NATS_USER === undefined) === (config.NATS_PASSWORD === undefined), {
    message: 'set both or neither',
    path: ['NATS_PASSWORD'],
  })
  .refine((config) => (config.NATS_TLS_CERT === undefined) === (config.NATS_TLS_KEY === undefined), {
    message: 'set both or neither',
    path: ['NATS_TLS_KEY'],
  })
  .refine(
    (config) => [config.GRPC_TLS_CA, config.GRPC_TLS_CERT, config.GRPC_TLS_KEY].every((file) => file === undefined) || allSet(config),
    { message: 'mutual TLS needs GRPC_TLS_CA, GRPC_TLS_CERT and GRPC_TLS_KEY together', path: ['GRPC_TLS_CA'] },
  );

function allSet(config: { GRPC_TLS_CA?: string | undefined; GRPC_TLS_CERT?: string | undefined; GRPC_TLS_KEY?: string | undefined }) {
  return [config.GRPC_TLS_CA, config.GRPC_TLS_CERT, config.GRPC_TLS_KEY].every((file) => file !== undefined);
}

export type InfrastructureConfig = z.infer<typeof infrastructureConfigSchema>;

/** The tokens of the services that may call `service` over gRPC (GRPC_GATEWAY_TOKEN, …); empty for a service nobody calls. */
export function grpcCallerTokensSchema(service: string) {
  return z.object(
    Object.fromEntries(grpcCallersOf(service).map((caller) => [grpcCallerTokenVariable(caller), z.string().min(32, SECRET)])),
  );
}
