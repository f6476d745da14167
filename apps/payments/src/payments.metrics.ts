import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';

/** The states of the one payment model, as metric labels. */
export const PAYMENT_STATE_LABELS = ['requested', 'broadcast', 'in_mempool', 'confirmed', 'replaced', 'dropped', 'expired'] as const;
export type PaymentStateLabel = (typeof PAYMENT_STATE_LABELS)[number];

/** Every instrument of the payments service; what the Payments dashboard plots. */
@Injectable()
export class PaymentsMetrics {
  private readonly meter = metrics.getMeter('@coming/payments');
  private lagBlocks = 0;
  private relayerBalanceEther: number | undefined;
  private relayerLow = 0;

  /** Status changes, by the state entered: the flow through requested → … → confirmed / replaced / dropped / expired. */
  readonly transitions = this.meter.createCounter('coming.payments.transitions', {
    description: 'Payment status changes, by the state entered',
    unit: '{change}',
  });

  /** Failed requests to the chain backend, by kind (unavailable: unreachable or timed out; error: it answered with one). */
  readonly backendErrors = this.meter.createCounter('coming.payments.backend.errors', {
    description: 'Chain backend requests that failed',
    unit: '{error}',
  });

  /** Broadcasts by outcome (accepted, rejected). */
  readonly broadcasts = this.meter.createCounter('coming.payments.broadcasts', {
    description: 'Transactions broadcast for devices, by outcome',
    unit: '{transaction}',
  });

  /** How many blocks the watcher is behind the backend's tip, as of its last pass. */
  readonly watcherLag = this.meter.createObservableGauge('coming.payments.watcher.lag', {
    description: 'Blocks between the backend tip and the last block the watcher processed',
    unit: '{block}',
  });

  /** X-BTC relays by outcome: submitted, pending_gas (taken, waiting for the relayer's gas), rejected. */
  readonly xbtcRelays = this.meter.createCounter('coming.payments.xbtc.relays', {
    description: 'X-BTC transfers asked to be relayed, by outcome',
    unit: '{transfer}',
  });

  /** The fees relayed transfers paid the relayer once mined, in X-BTC satoshis. */
  readonly xbtcFees = this.meter.createCounter('coming.payments.xbtc.fees', {
    description: 'Relayer fees collected on mined X-BTC transfers',
    unit: 'sat',
  });

  /** The relayer's native (gas) balance in whole coins, as of the follower's last pass. */
  readonly relayerBalance = this.meter.createObservableGauge('coming.payments.xbtc.relayer.balance', {
    description: "The X-BTC relayer's native gas balance",
    unit: 'ETH',
  });

  /** 1 while the relayer's gas balance is below PAYMENTS_XBTC_LOW_GAS_WEI: what the low-gas alert watches. */
  readonly relayerGasLow = this.meter.createObservableGauge('coming.payments.xbtc.relayer.gas_low', {
    description: "1 while the X-BTC relayer's gas balance is below the configured threshold",
    unit: '{flag}',
  });

  constructor() {
    // The series exist from the first scrape, so that rates and alerts see 0 rather than nothing.
    for (const state of PAYMENT_STATE_LABELS) this.transitions.add(0, { state });
    for (const kind of ['unavailable', 'error']) this.backendErrors.add(0, { kind });
    for (const outcome of ['accepted', 'rejected']) this.broadcasts.add(0, { outcome });
    this.watcherLag.addCallback((result) => result.observe(this.lagBlocks));
    for (const outcome of ['submitted', 'pending_gas', 'rejected']) this.xbtcRelays.add(0, { outcome });
    this.xbtcFees.add(0);
    this.relayerBalance.addCallback((result) => {
      // Not read yet (no EVM backend so far): NaN, which Prometheus keeps as "no value", so that
      // the series exists from the start, as the counters do, without claiming an empty wallet.
      result.observe(this.relayerBalanceEther ?? Number.NaN);
    });
    this.relayerGasLow.addCallback((result) => result.observe(this.relayerLow));
  }

  setRelayerBalance(wei: bigint, lowBelowWei: bigint): void {
    this.relayerBalanceEther = Number(wei) / 1e18;
    this.relayerLow = wei < lowBelowWei ? 1 : 0;
  }

  setWatcherLag(blocks: number): void {
    this.lagBlocks = Math.max(0, blocks);
  }
}
