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

  /** Bundle fetches refused because a fetch budget ran out, by budget (target, ip, new-account). */
  readonly fetchesRefused = this.meter.createCounter('coming.keys.fetches.refused', {
    description: 'Prekey bundle fetches refused by a fetch budget',
    unit: '{fetch}',
  });

  constructor() {
    // The series exist from the first scrape, so that rates and alerts see 0 rather than nothing.
    this.preKeysLow.add(0);
    for (const budget of ['target', 'ip', 'new-account']) this.fetchesRefused.add(0, { budget });
  }
}
