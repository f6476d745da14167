import { Agent, type Dispatcher, setGlobalDispatcher } from 'undici';

// All of 127.0.0.0/8 reaches this machine. Spreading the generator's logins and sockets over
// many source addresses makes them look like many clients: auth limits logins per IP (60 a
// minute by default), which would otherwise cap the measurement rather than the server.
const ADDRESS_COUNT = 4_000;

/** The n-th source address on loopback, from 127.0.1.0 on. */
function loopbackAddress(index: number): string {
  const n = 256 + (index % ADDRESS_COUNT);
  return `127.0.${Math.floor(n / 256)}.${n % 256}`;
}

/** Hands out source addresses in turn. */
export class LoopbackAddresses {
  /** Starts at the `next`-th address: two generators in one run keep apart by starting far apart. */
  constructor(private next = 0) {}

  take(): string {
    const address = loopbackAddress(this.next);
    this.next += 1;
    return address;
  }
}

/**
 * Makes every `fetch` of this process (the client SDK's login calls included) leave from a
 * loopback address taken in turn, one connection pool per address.
 */
export function rotateFetchSourceAddresses(addresses: LoopbackAddresses): void {
  setGlobalDispatcher(new RotatingAgent(addresses));
}

class RotatingAgent extends Agent {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly addresses: LoopbackAddresses) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const address = this.addresses.take();
    let agent = this.agents.get(address);
    if (agent === undefined) {
      // Idle login connections close within a second, so they do not count as the server's
      // idle WebSocket connections when those are measured.
      agent = new Agent({
        localAddress: address,
        connections: 1,
        keepAliveTimeout: 500,
        keepAliveMaxTimeout: 500,
      });
      this.agents.set(address, agent);
    }
    return agent.dispatch(options, handler);
  }
}
