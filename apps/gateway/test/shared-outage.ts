import type { TestStack } from '@coming/testing';

/** What a test does at the outage: `down` resolves once the stack is stopped, `up` once it runs again. */
export interface OutageSteps {
  readonly down: () => Promise<void>;
  readonly up: () => Promise<void>;
}

/**
 * One stop and start of the whole stack that several concurrent tests live through
 * together, each checked on its own: stopping and starting the scaled stack is most of
 * such a test's time, so they share it. The stack goes down once every test has called
 * `down` and comes back once every test has called `up`. A test that fails leaves the
 * steps it has not reached, so that the others do not wait for it.
 */
export class SharedOutage {
  private readonly stopped: Rendezvous;
  private readonly started: Rendezvous;

  constructor(stack: TestStack, tests: number) {
    this.stopped = new Rendezvous(tests, () => stopAll(stack));
    this.started = new Rendezvous(tests, () => startAll(stack));
  }

  async join(test: (steps: OutageSteps) => Promise<void>): Promise<void> {
    const unreached = new Set([this.stopped, this.started]);
    const step = (rendezvous: Rendezvous) => () => {
      unreached.delete(rendezvous);
      return rendezvous.arrive();
    };
    try {
      await test({ down: step(this.stopped), up: step(this.started) });
    } finally {
      for (const rendezvous of unreached) rendezvous.leave();
    }
  }
}

/** Runs `action` once all `expected` have arrived or left, if any arrived; every arrival waits for it. */
class Rendezvous {
  private arrived = 0;
  private left = 0;
  private open!: () => void;
  private readonly reached: Promise<void>;

  constructor(
    private readonly expected: number,
    action: () => Promise<void>,
  ) {
    this.reached = new Promise<void>((resolve) => (this.open = resolve)).then(action);
  }

  arrive(): Promise<void> {
    this.arrived++;
    this.check();
    return this.reached;
  }

  leave(): void {
    this.left++;
    this.check();
  }

  private check(): void {
    if (this.arrived > 0 && this.arrived + this.left === this.expected) this.open();
  }
}

async function stopAll(stack: TestStack): Promise<void> {
  await Promise.all([stack.auth, stack.mailbox, stack.keys, stack.payments, ...stack.gateways].map((service) => service.stop()));
}

/** The services first, then the gateways that call them. */
async function startAll(stack: TestStack): Promise<void> {
  await Promise.all([stack.auth, stack.mailbox, stack.keys, stack.payments].map((service) => service.start()));
  await Promise.all(stack.gateways.map((gateway) => gateway.start()));
}
