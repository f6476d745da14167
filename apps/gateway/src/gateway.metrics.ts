import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';

const DELIVERY_OUTCOMES = ['live', 'stored', 'refused', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

// Attribute sets made once, not on every message.
const OUTCOME_ATTRIBUTES: Record<DeliveryOutcome, { outcome: DeliveryOutcome }> = {
  live: { outcome: 'live' },
  stored: { outcome: 'stored' },
  refused: { outcome: 'refused' },
  failed: { outcome: 'failed' },
};

/** Every instrument of the gateway. */
@Injectable()
export class GatewayMetrics {
  private readonly meter = metrics.getMeter('@coming/gateway');

  /** Authenticated WebSocket connections open on this gateway. */
  readonly openConnections = this.meter.createUpDownCounter('coming.gateway.connections', {
    description: 'Open client WebSocket connections',
    unit: '{connection}',
  });

  /** Sockets closed because their device stopped reading (close code 4429). */
  readonly slowReaders = this.meter.createCounter('coming.gateway.slow_readers', {
    description: 'Sockets closed for not reading what was pushed to them',
    unit: '{connection}',
  });

  /** Client frames by `type` (the ClientFrame field set, or "undecodable"). */
  readonly framesReceived = this.meter.createCounter('coming.gateway.frames.received', {
    description: 'Frames received from clients',
    unit: '{frame}',
  });

  /** Server frames by `type` (the ServerFrame field set). */
  readonly framesSent = this.meter.createCounter('coming.gateway.frames.sent', { description: 'Frames sent to clients', unit: '{frame}' });

  /** Each device copy of a sent message, by `outcome`: acknowledged live, stored in the mailbox, refused by it, or failed. */
  readonly deliveries = this.meter.createCounter('coming.gateway.deliveries', {
    description: 'Device copies of sent messages by delivery outcome',
    unit: '{envelope}',
  });

  /** From the server accepting an envelope to its device acknowledging it, by `path` (live or from the mailbox). */
  readonly deliveryDuration = this.meter.createHistogram('coming.gateway.delivery.duration', {
    description: 'Time from server accept to device acknowledgement',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3_600, 86_400] },
  });

  constructor() {
    // Series exist from the first scrape, so that rates and alerts see 0 rather than nothing.
    this.openConnections.add(0);
    for (const outcome of DELIVERY_OUTCOMES) this.deliveries.add(0, OUTCOME_ATTRIBUTES[outcome]);
  }

  delivered(outcome: DeliveryOutcome) {
    this.deliveries.add(1, OUTCOME_ATTRIBUTES[outcome]);
  }

  acknowledged(serverTimestampMs: number, path: 'live' | 'mailbox') {
    this.deliveryDuration.record(Math.max(0, Date.now() - serverTimestampMs) / 1000, { path });
  }

  /** Bytes queued towards devices in this process, read from `read` at each collection. */
  observeBufferedBytes(read: () => number) {
    this.meter
      .createObservableGauge('coming.gateway.buffered', {
        description: 'Bytes queued towards devices, not yet taken by the kernel',
        unit: 'By',
      })
      .addCallback((result) => result.observe(read()));
  }
}
