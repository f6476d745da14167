import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger';
import { NestPinoLogger } from './nest-pino-logger';

describe(NestPinoLogger.name, () => {
  const logged = (level: string) => {
    const lines: { level: number; msg: string; context?: string }[] = [];
    const nest = new NestPinoLogger(
      createLogger({ service: 'test', level, destination: { write: (line: string) => lines.push(JSON.parse(line)) } }),
    );
    nest.log('AuthModule dependencies initialized', 'InstanceLoader');
    nest.warn('slow start', 'NestApplication');
    return lines;
  };

  it("keeps Nest's boot chatter out of the info log, and its warnings in", () => {
    expect(logged('info')).toEqual([expect.objectContaining({ level: 40, msg: 'slow start', context: 'NestApplication' })]);
  });

  it('shows the boot chatter at debug', () => {
    expect(logged('debug').map((line) => line.msg)).toEqual(['AuthModule dependencies initialized', 'slow start']);
  });
});
