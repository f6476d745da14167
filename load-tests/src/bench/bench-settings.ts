import { parseArgs } from 'node:util';

export type ComingKind = 'single' | 'stack';

export interface BenchSettings {
  only: ComingKind[];
  /** Sender/recipient pairs driving the message figures. */
  pairs: number;
  /** Rounds per figure and side, interleaved Coming/baseline. */
  rounds: number;
  /** Messages each sender keeps in flight at saturation. */
  window: number;
  saturationMs: number;
  latencyMs: number;
  offlineMessages: number;
  loginsPerRound: number;
  idleConnections: number;
  profileMs: number;
  profile: boolean;
}

const USAGE = `npm run bench -- [--quick] [--only single|stack] [--connections N] [--no-profile]`;

export function benchSettings(argv: string[]): BenchSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      connections: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only: ComingKind[] = values.only === undefined ? ['single', 'stack'] : [parseKind(values.only)];
  const quick = values.quick;
  const connections = values.connections === undefined ? (quick ? 300 : 1_000) : Number(values.connections);
  if (!Number.isInteger(connections) || connections < 16) throw new Error(`--connections takes a whole number of at least 16; ${USAGE}`);
  return {
    only,
    pairs: quick ? 20 : 40,
    rounds: quick ? 1 : 2,
    window: 4,
    saturationMs: quick ? 2_000 : 5_000,
    latencyMs: quick ? 3_000 : 6_000,
    offlineMessages: quick ? 100 : 300,
    loginsPerRound: quick ? 30 : 50,
    idleConnections: connections,
    profileMs: quick ? 3_000 : 6_000,
    profile: !values['no-profile'],
  };
}

function parseKind(value: string): ComingKind {
  if (value === 'single' || value === 'single-node') return 'single';
  if (value === 'stack') return 'stack';
  throw new Error(`--only takes "single" or "stack", not "${value}"; ${USAGE}`);
}
