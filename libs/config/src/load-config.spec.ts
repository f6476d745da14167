import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, portSchema } from './load-config';

describe(loadConfig.name, () => {
  const schema = z.object({ PORT: portSchema.default(8080), DATABASE_URL: z.string().url() });

  it('applies defaults and coerces numbers', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://localhost/x', PORT: '9000' })).toEqual({
      DATABASE_URL: 'postgres://localhost/x',
      PORT: 9000,
    });
  });

  it('names every variable that is missing or malformed', () => {
    const load = () => loadConfig(schema, { PORT: 'eighty' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT/);
    expect(load).toThrow(/DATABASE_URL/);
  });
});
