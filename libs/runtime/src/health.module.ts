import { Broker } from '@coming/broker';
import { Cache } from '@coming/cache';
import { InjectKysely } from '@coming/database';
import { type BeforeApplicationShutdown, Controller, Get, Injectable, Module, ServiceUnavailableException } from '@nestjs/common';
import { type Kysely, sql } from 'kysely';

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class DependencyChecks {
  constructor(
    @InjectKysely() private readonly db: Kysely<unknown>,
    private readonly cache: Cache,
    private readonly broker: Broker,
  ) {}

  /** Names each backend that did not answer in time. */
  async unreachable(): Promise<string[]> {
    const checks = {
      postgres: () => sql`select 1`.execute(this.db),
      cache: () => this.cache.ping(),
      broker: () => this.broker.ping(),
    };
    const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => ((await withTimeout(check())) ? null : name)));
    return results.filter((name): name is string => name !== null);
  }
}

/**
 * Set once shutdown begins, so readiness fails at once and load balancers move traffic
 * away while in-flight work finishes.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  stopping = false;

  beforeApplicationShutdown() {
    this.stopping = true;
  }
}

/** What /healthz and /readyz answer; served on the service's health port by `startHealthServer`. */
@Injectable()
export class HealthController {
  constructor(
    private readonly checks: DependencyChecks,
    private readonly shutdown: ShutdownState,
  ) {}

  /** Liveness: the process serves requests. */
  live() {
    return { status: 'ok' };
  }

  /** Readiness: not shutting down, and every backend this service needs answers. */
  async ready() {
    if (this.shutdown.stopping) throw new ServiceUnavailableException({ status: 'stopping' });
    const unreachable = await this.checks.unreachable();
    if (unreachable.length > 0) throw new ServiceUnavailableException({ status: 'unavailable', unreachable });
    return { status: 'ready' };
  }
}

/**
 * The probes also on an app's own HTTP port (the gateway's client port), for load balancers
 * that check the port they send traffic to. Never /metrics: that is on the health port only.
 */
@Controller()
export class HealthHttpController {
  constructor(private readonly health: HealthController) {}

  @Get('healthz')
  live() {
    return this.health.live();
  }

  @Get('readyz')
  ready() {
    return this.health.ready();
  }
}

@Module({
  controllers: [HealthHttpController],
  providers: [DependencyChecks, ShutdownState, HealthController],
  exports: [HealthController],
})
export class HealthModule {}

async function withTimeout(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.then(() => true as const), timedOut]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
