import type { StackTarget } from '../targets/stack.target';

/** One disruption of the running stack: a process killed or a backend restarted, then back up. */
export interface ChaosFault {
  name: string;
  /** Resolves once the process is running and ready again. */
  inject(target: StackTarget): Promise<void>;
}

/** Every fault `npm run chaos` runs, in this order; names are what --faults takes. */
export const CHAOS_FAULTS: readonly ChaosFault[] = [
  { name: 'gateway-1', inject: ({ stack }) => stack.gateways[0]!.restart('SIGKILL') },
  { name: 'gateway-2', inject: ({ stack }) => stack.gateways[1]!.restart('SIGKILL') },
  { name: 'mailbox', inject: ({ stack }) => stack.mailbox.restart('SIGKILL') },
  { name: 'auth', inject: ({ stack }) => stack.auth.restart('SIGKILL') },
  { name: 'keys', inject: ({ stack }) => stack.keys.restart('SIGKILL') },
  { name: 'nats', inject: ({ backends }) => backends.nats.restart('SIGTERM') },
  { name: 'redis', inject: ({ backends }) => backends.redis.restart('SIGTERM') },
  { name: 'postgres', inject: ({ backends }) => backends.restartPostgres() },
];

export const FAULT_DESCRIPTIONS: Record<string, string> = {
  'gateway-1': 'SIGKILL the senders\u2019 gateway, start it again',
  'gateway-2': 'SIGKILL the recipients\u2019 gateway, start it again',
  mailbox: 'SIGKILL mailbox, start it again',
  auth: 'SIGKILL auth, start it again',
  keys: 'SIGKILL keys, start it again',
  nats: 'restart nats-server (SIGTERM, start)',
  redis: 'restart redis-server (SIGTERM, start; its data is lost)',
  postgres: 'restart PostgreSQL (immediate shutdown, crash recovery at start)',
};

export function faultsNamed(names: readonly string[]): ChaosFault[] {
  return names.map((name) => {
    const fault = CHAOS_FAULTS.find((each) => each.name === name);
    if (fault === undefined) throw new Error(`unknown fault "${name}"; known: ${CHAOS_FAULTS.map((each) => each.name).join(', ')}`);
    return fault;
  });
}
