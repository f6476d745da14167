import { describe, expect, it } from 'vitest';
import { runAttacks } from '../src/attack/attack-run';
import { ATTACKS } from '../src/attack/attacks';
import { LoopbackAddresses, rotateFetchSourceAddresses } from '../src/generator/loopback-addresses';

// What each attack must have met for the run to show anything: the defence at work.
const DEFENCE_SEEN: Record<string, (figures: Record<string, number>) => boolean> = {
  'slow-reader': (figures) => figures['stored']! > 0 && figures['delivered'] === 0,
  'frame-flood': (figures) => figures['closedForBadFrames']! > 0,
  'prekey-drain': (figures) => figures['withoutOneTimeKey']! > 0 && figures['rateLimited']! > 0,
  'mailbox-fill': (figures) => figures['refused']! > 0,
  'login-flood': (figures) => figures['badSignature']! > 0 && figures['accepted'] === 0,
  'socket-flood': (figures) => figures['closedTooMany']! > 0,
};

describe('attack run', () => {
  it('delivers every message of an honest pair while each attack runs, and each attack meets its defence', async () => {
    const addresses = new LoopbackAddresses();
    rotateFetchSourceAddresses(addresses);
    const report = await runAttacks({ attacks: ATTACKS, together: false, phaseMs: 3_000, rate: 20, addresses });

    expect(report.phases.map(({ phase }) => phase)).toEqual(['quiet', ...ATTACKS.map((attack) => attack.name), 'quiet after']);
    for (const { phase, honest, effects } of report.phases) {
      expect(honest.sent, `${phase}: honest messages sent`).toBeGreaterThan(0);
      expect(honest.delivered, `${phase}: honest messages delivered`).toBe(honest.sent);
      expect(honest.lost, `${phase}: lost`).toBe(0);
      for (const effect of effects) {
        expect(effect.honestUnharmed, `${effect.attack}: ${effect.summary}`).toBe(true);
        expect(DEFENCE_SEEN[effect.attack]!(effect.figures), `${effect.attack}: ${effect.summary}`).toBe(true);
      }
    }
    expect(report.passed).toBe(true);
  }, 300_000);
});
