import { type Stack, startStack } from '@coming/stack';
import { findFreePorts } from '@coming/testing';
import { type OwnBackends, startOwnBackends } from '../backends/own-backends';
import type { Target } from './target';

export interface StackTarget extends Target {
  stack: Stack;
  backends: OwnBackends;
  /** Each service's inspector port once it gets SIGUSR1 (only the one signalled opens it). */
  inspectPort: number;
}

/**
 * `npm run stack` with two gateways on the run's own NATS, Redis and PostgreSQL. Senders
 * use the first gateway and recipients the second, so every message crosses NATS.
 */
export async function startStackTarget(options: { label: string; env?: Record<string, string> }): Promise<StackTarget> {
  const backends = await startOwnBackends(options.label);
  const inspectPort = await findFreePorts(1);
  try {
    const stack = await startStack({
      gateways: 2,
      gatewayPort: await findFreePorts(2),
      internalPortBase: await findFreePorts(8),
      databaseUrl: backends.databaseUrl,
      redisUrl: backends.redisUrl,
      natsUrl: backends.natsUrl,
      redisKeyPrefix: 'coming:',
      natsSubjectPrefix: 'coming',
      logLevel: 'warn',
      logDir: backends.dir,
      env: { NODE_OPTIONS: `--inspect-port=127.0.0.1:${inspectPort}`, ...options.env },
    });
    const services = [stack.auth, stack.mailbox, stack.keys, stack.payments, ...stack.gateways];
    return {
      label: 'stack',
      senderUrl: stack.gatewayUrl(0),
      recipientUrl: stack.gatewayUrl(1),
      stack,
      backends,
      inspectPort,
      serverPids: () => [...services.map((service) => service.pid), ...backends.pids()].filter((pid): pid is number => pid !== undefined),
      connectionPids: () => [stack.gateways[1]!.pid, backends.nats.pid].filter((pid): pid is number => pid !== undefined),
      stop: async () => {
        await stack.stop();
        await backends.stop();
      },
    };
  } catch (error) {
    await backends.stop();
    throw error;
  }
}
