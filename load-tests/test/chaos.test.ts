import { describe, expect, it } from 'vitest';
import { faultsNamed } from '../src/chaos/chaos-faults';
import { runChaos } from '../src/chaos/chaos-run';
import { LoopbackAddresses, rotateFetchSourceAddresses } from '../src/generator/loopback-addresses';

describe('chaos run', () => {
  it('loses no acknowledged message and shows none twice when a gateway and the mailbox are SIGKILLed, and NATS and Redis restarted, under load', async () => {
    const addresses = new LoopbackAddresses();
    rotateFetchSourceAddresses(addresses);
    const report = await runChaos({ faults: faultsNamed(['gateway-2', 'mailbox', 'nats', 'redis']), pairs: 6, addresses });

    expect(report.faults.map((fault) => fault.fault)).toEqual(['gateway-2', 'mailbox', 'nats', 'redis']);
    for (const fault of report.faults) {
      expect(fault.acked, `${fault.fault}: messages acknowledged around the fault`).toBeGreaterThan(0);
      expect(fault.deliveredAfterRestart, `${fault.fault}: deliveries after the restart`).toBeGreaterThan(0);
      expect(fault.lost, `${fault.fault}: lost`).toBe(0);
      expect(fault.duplicatesShown, `${fault.fault}: duplicates shown`).toBe(0);
    }
    expect(report.total.acked).toBeGreaterThan(0);
    expect(report.total.lost).toBe(0);
    expect(report.total.duplicatesShown).toBe(0);
    expect(report.passed).toBe(true);
  }, 240_000);
});
