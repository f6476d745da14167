import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads an app's settings from the environment once, at boot. A missing or malformed
 * variable stops boot with a message that names it.
 */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** A TCP port number given as an environment string. */
export const portSchema = z.coerce.number().int().min(0).max(65_535);

/** A positive duration in milliseconds given as an environment string. */
export const millisecondsSchema = z.coerce.number().int().positive();
