import { InjectLogger, type Logger } from '@coming/logging';
import { Inject, Injectable } from '@nestjs/common';
import { BaseError, createPublicClient, HttpRequestError, http, type PublicClient, TimeoutError } from 'viem';
import { InjectPaymentsConfig, type PaymentsConfig, type XbtcSettings } from '../payments.config';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { PaymentsMetrics } from '../payments.metrics';

export const XBTC_SETTINGS = Symbol('XbtcSettings');
export const InjectXbtcSettings = () => Inject(XBTC_SETTINGS);

/** The EVM backend follows another chain than PAYMENTS_XBTC_CHAIN_ID: X-BTC must not be relayed on it. */
export class EvmChainMismatchError extends Error {
  override readonly name = 'EvmChainMismatchError';
}

/** A client of the EVM backend that fails fast: the follower's next pass is the retry. */
export function createEvmClient(rpcUrl: string, timeoutMs: number): PublicClient {
  return createPublicClient({ cacheTime: 0, transport: http(rpcUrl, { retryCount: 0, timeout: timeoutMs }) });
}

/** Checks the backend's chain ID; throws EvmChainMismatchError naming both when it is another chain. */
export async function verifyEvmChain(client: PublicClient, expected: number): Promise<void> {
  const found = await client.getChainId();
  if (found !== expected) {
    throw new EvmChainMismatchError(
      `the EVM backend follows chain ID ${found}, but PAYMENTS_XBTC_CHAIN_ID is ${expected}: ` +
        `point PAYMENTS_XBTC_RPC_URL at a node of chain ${expected}, or set PAYMENTS_XBTC_CHAIN_ID to the backend's`,
    );
  }
}

/** Whether an error means the backend could not be reached (rather than that it answered with an error). */
export function isUnreachable(error: unknown): boolean {
  return error instanceof BaseError && error.walk((cause) => cause instanceof HttpRequestError || cause instanceof TimeoutError) !== null;
}

/**
 * The service's one way to the EVM chain, as ChainConnection is to Bitcoin's: it checks
 * (once) that the backend follows the configured chain, counts failures for the dashboard,
 * and turns an unreachable backend into UNAVAILABLE, so that X-BTC waits while chat and
 * Bitcoin payments go on.
 */
@Injectable()
export class XbtcChain {
  readonly client: PublicClient;
  private verified = false;
  private reachable = false;

  constructor(
    @InjectXbtcSettings() readonly settings: XbtcSettings,
    @InjectPaymentsConfig() config: PaymentsConfig,
    private readonly metrics: PaymentsMetrics,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.client = createEvmClient(settings.rpcUrl, config.PAYMENTS_BACKEND_TIMEOUT_MS);
  }

  get available(): boolean {
    return this.reachable && this.verified;
  }

  /** Runs requests against the backend; UNAVAILABLE while it cannot be reached or follows another chain. */
  async use<Result>(request: (client: PublicClient) => Promise<Result>): Promise<Result> {
    try {
      if (!this.verified) {
        await verifyEvmChain(this.client, this.settings.chainId);
        this.verified = true;
      }
      const result = await request(this.client);
      if (!this.reachable) this.logger.info('EVM backend reachable');
      this.reachable = true;
      return result;
    } catch (error) {
      throw this.failed(error);
    }
  }

  private failed(error: unknown): unknown {
    if (error instanceof EvmChainMismatchError) {
      if (this.reachable || !this.verified) this.logger.error({ err: error }, 'EVM backend follows another chain; X-BTC waits');
      this.reachable = false;
      return new PaymentsError(PaymentsErrorCode.Unavailable, 'the EVM backend follows another chain; X-BTC waits for an operator');
    }
    if (!isUnreachable(error)) {
      if (error instanceof BaseError) this.metrics.backendErrors.add(1, { kind: 'error' });
      return error;
    }
    this.metrics.backendErrors.add(1, { kind: 'unavailable' });
    if (this.reachable) this.logger.warn({ err: error }, 'EVM backend unreachable; X-BTC waits and retries');
    this.reachable = false;
    return new PaymentsError(PaymentsErrorCode.Unavailable, 'the EVM backend is unavailable; retry later');
  }
}
