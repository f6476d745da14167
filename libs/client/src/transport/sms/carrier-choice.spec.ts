import { describe, expect, it } from 'vitest';
import { ServerHealth } from '../../connection/server-health';
import { chooseCarrier } from './carrier-choice';

const THRESHOLD_MS = 10_000;

/** A clock the test moves by hand. */
const clock = () => {
  const time = { ms: 1_000_000 };
  return { time, now: () => time.ms };
};

describe(chooseCarrier.name, () => {
  it('keeps a fixed policy whatever the server does, and the server without a route', () => {
    for (const outage of [undefined, 0, THRESHOLD_MS * 10]) {
      expect(chooseCarrier('websocket', outage, THRESHOLD_MS)).toEqual({ carrier: 'websocket' });
      expect(chooseCarrier(undefined, outage, THRESHOLD_MS)).toEqual({ carrier: 'websocket' });
      expect(chooseCarrier('sms', outage, THRESHOLD_MS)).toEqual({ carrier: 'sms' });
    }
  });

  it('under auto, turns to SMS once the server has been unreachable for the threshold, from the first failure on', () => {
    const { time, now } = clock();
    const health = new ServerHealth(now);
    const choice = () => chooseCarrier('auto', health.outageMs(), THRESHOLD_MS);
    expect(choice()).toEqual({ carrier: 'websocket' });
    health.reached();
    time.ms += 60_000;
    expect(choice()).toEqual({ carrier: 'websocket' });
    health.lost();
    expect(choice()).toEqual({ carrier: 'websocket', smsInMs: THRESHOLD_MS });
    time.ms += 4_000;
    // Retries failing again do not restart the outage.
    health.lost();
    expect(choice()).toEqual({ carrier: 'websocket', smsInMs: 6_000 });
    time.ms += 6_000;
    expect(choice()).toEqual({ carrier: 'sms' });
    health.reached();
    expect(choice()).toEqual({ carrier: 'websocket' });
    health.lost();
    expect(choice()).toEqual({ carrier: 'websocket', smsInMs: THRESHOLD_MS });
  });

  it('under auto with a threshold of 0, sends by SMS at the first failure', () => {
    const health = new ServerHealth(clock().now);
    health.lost();
    expect(chooseCarrier('auto', health.outageMs(), 0)).toEqual({ carrier: 'sms' });
  });
});
