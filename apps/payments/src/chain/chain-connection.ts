import {
  type ChainBackend,
  ChainBackendError,
  ChainBackendUnavailableError,
  type NetworkName,
  type NetworkParameters,
} from '@coming/chain';
import { InjectLogger, type Logger } from '@coming/logging';
import { Inject, Injectable } from '@nestjs/common';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { PaymentsMetrics } from '../payments.metrics';

export const CHAIN_BACKEND = Symbol('ChainBackend');
export const InjectChainBackend = () => Inject(CHAIN_BACKEND);
export const EXPECTED_NETWORK = Symbol('ExpectedNetwork');
export const InjectExpectedNetwork = () => Inject(EXPECTED_NETWORK);

/** The backend follows another chain than COMING_NETWORK: the service must not run on it. */
export class NetworkMismatchError extends Error {
  override readonly name = 'NetworkMismatchError';
}

/**
 * Checks that a backend follows the expected network; returns its address parameters.
 * Throws NetworkMismatchError saying which chain it follows instead, and
 * ChainBackendUnavailableError when it cannot be asked.
 */
export async function verifyNetwork(backend: ChainBackend, expected: NetworkName, backendName: string): Promise<NetworkParameters> {
  const found = await backend.network();
  if (found.network !== expected || found.parameters === undefined) {
    throw new NetworkMismatchError(
      `the chain backend ${backendName} (${found.software}) follows ${found.network ?? 'an unknown chain'} (genesis block ${found.genesisHash}), ` +
        `but COMING_NETWORK is ${expected}: point PAYMENTS_BACKEND_URL at a ${expected} node, or set COMING_NETWORK to the backend's network`,
    );
  }
  return found.parameters;
}

/**
 * The service's one way to the chain backend. It learns the backend's address parameters
 * (bcoin and Bitcoin Core spell regtest addresses differently) once the backend has shown it
 * follows COMING_NETWORK, counts failures for the dashboard, and turns an unreachable backend
 * into UNAVAILABLE for callers, so that payments wait while chat goes on.
 */
@Injectable()
export class ChainConnection {
  private parameters: NetworkParameters | undefined;
  private reachable = false;
  private mismatch: NetworkMismatchError | undefined;

  constructor(
    @InjectChainBackend() private readonly backend: ChainBackend,
    @InjectExpectedNetwork() readonly network: NetworkName,
    private readonly metrics: PaymentsMetrics,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  get available(): boolean {
    return this.reachable && this.parameters !== undefined;
  }

  /** Address parameters of the watched chain; UNAVAILABLE until the backend has been reached once. */
  async addressParameters(): Promise<NetworkParameters> {
    return this.parameters ?? (await this.use(async () => this.parameters ?? this.unknownParameters()));
  }

  /** Runs one request against the backend, first checking (once) that it follows the right chain. */
  async use<Result>(request: (backend: ChainBackend) => Promise<Result>): Promise<Result> {
    try {
      if (this.parameters === undefined) this.parameters = await verifyNetwork(this.backend, this.network, this.backend.kind);
      const result = await request(this.backend);
      if (!this.reachable) this.logger.info({ backend: this.backend.kind }, 'chain backend reachable');
      this.reachable = true;
      return result;
    } catch (error) {
      throw this.failed(error);
    }
  }

  private failed(error: unknown): unknown {
    if (error instanceof NetworkMismatchError) {
      // Logged once: a backend swapped for another chain under a running service.
      if (this.mismatch === undefined) this.logger.error({ err: error }, 'chain backend follows the wrong network; payments wait');
      this.mismatch = error;
      this.reachable = false;
      return new PaymentsError(PaymentsErrorCode.Unavailable, 'the chain backend follows another network; payments wait for an operator');
    }
    if (!(error instanceof ChainBackendError)) return error;
    const unavailable = error instanceof ChainBackendUnavailableError;
    this.metrics.backendErrors.add(1, { kind: unavailable ? 'unavailable' : 'error' });
    if (!unavailable) return error;
    if (this.reachable) this.logger.warn({ err: error }, 'chain backend unreachable; payments wait and retry');
    this.reachable = false;
    return new PaymentsError(PaymentsErrorCode.Unavailable, 'the chain backend is unavailable; retry later');
  }

  private unknownParameters(): never {
    throw new PaymentsError(PaymentsErrorCode.Unavailable, 'the chain backend has not been reached yet; retry later');
  }
}
