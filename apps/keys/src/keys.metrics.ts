import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';

/** Every instrument of the keys service. */
@Injectable()
export class KeysMetrics {
  private readonly meter = metrics.getMeter('@coming/keys');

  /** Devices found below the one-time prekey low-water mark after a bundle fetch, each nudged to upload more. */
  readonly preKeysLow = this.meter.createCounter('coming.keys.pre_keys.low', {
    description: 'Times a device ran low on one-time prekeys',
    unit: '{event}',
  });

  constructor() {
    // The series exists from the first scrape, so that rates and alerts see 0 rather than nothing.
    this.preKeysLow.add(0);
  }
}
