// Ours on each CryptoBackend vs libsignal 0.90.0: PQXDH session setups and 1 KiB ratchet
// round trips per second. node:crypto comes first: it is what Node clients should run.
// Run with `npm run bench:crypto`. Figures, not assertions: the machine may be shared.
import { randomBytes } from '../src/crypto/bytes';
import type { CryptoBackend } from '../src/crypto/crypto-backend';
import { createNodeCryptoBackend } from '../src/crypto/node-crypto-backend';
import { nobleCryptoBackend } from '../src/crypto/noble-crypto-backend';
import { createWebCryptoBackend } from '../src/crypto/web-crypto-backend';
import type { PreKeyBundle } from '../src/pqxdh/pre-key-bundle';
import type { CiphertextMessage } from '../src/ratchet/session-cipher';
import type { ProtocolAddress } from '../src/stores/protocol-address';
import { createLibsignalParty } from '../test/interop/libsignal-party';
import { loadLibsignal } from '../test/interop/load-libsignal';
import type { ConversationPeer } from '../test/support/conversation';
import { OurParty } from '../test/support/our-party';

// Rounds interleave the implementations, so that load on a shared machine, which drifts over
// minutes, weighs on each alike and the ratios hold.
const ROUNDS = 5;
const SETUPS = 40;
const ROUND_TRIPS = 400;
const PLAINTEXT = randomBytes(1024);

interface Implementation {
  name: string;
  party(
    address: ProtocolAddress,
    withOneTimePreKey: boolean,
  ): ConversationPeer & {
    bundle(id: number): Promise<PreKeyBundle>;
    processPreKeyBundle(remote: ProtocolAddress, bundle: PreKeyBundle): Promise<void>;
  };
}

async function perSecond(count: number, run: (index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index++) await run(index);
  return (count * 1000) / (performance.now() - started);
}

/** Initiator: process a bundle and encrypt the first message. Responder: decrypt it. */
async function measureSetups(implementation: Implementation): Promise<{ initiator: number; responder: number }> {
  const responder = implementation.party({ name: 'responder', deviceId: 1 }, false);
  const bundle = await responder.bundle(1);
  const initiators = Array.from({ length: SETUPS }, (_, index) => implementation.party({ name: `initiator-${index}`, deviceId: 1 }, false));
  const firstMessages: CiphertextMessage[] = [];
  const initiator = await perSecond(SETUPS, async (index) => {
    await initiators[index]!.processPreKeyBundle(responder.address, bundle);
    firstMessages.push(await initiators[index]!.encrypt(responder.address, PLAINTEXT));
  });
  const responderRate = await perSecond(SETUPS, async (index) => {
    await responder.decrypt(initiators[index]!.address, firstMessages[index]!);
  });
  return { initiator, responder: responderRate };
}

/** 1 KiB encrypt + decrypt, either always one way (chain steps) or alternating (a DH ratchet step each time). */
async function measureRoundTrips(implementation: Implementation, alternating: boolean): Promise<number> {
  const alice = implementation.party({ name: 'alice', deviceId: 1 }, true);
  const bob = implementation.party({ name: 'bob', deviceId: 1 }, true);
  await alice.processPreKeyBundle(bob.address, await bob.bundle(1));
  await bob.decrypt(alice.address, await alice.encrypt(bob.address, PLAINTEXT));
  await alice.decrypt(bob.address, await bob.encrypt(alice.address, PLAINTEXT));
  return perSecond(ROUND_TRIPS, async (index) => {
    const [from, to] = alternating && index % 2 === 1 ? [bob, alice] : [alice, bob];
    await to.decrypt(from.address, await from.encrypt(to.address, PLAINTEXT));
  });
}

async function main(): Promise<void> {
  const libsignal = await loadLibsignal();
  const backends: [string, CryptoBackend][] = [
    ['node:crypto', createNodeCryptoBackend()],
    ['noble', nobleCryptoBackend],
    ['WebCrypto', createWebCryptoBackend()],
  ];
  // libsignal last: the ratios divide by it.
  const implementations: Implementation[] = [
    ...backends.map(([backendName, crypto]): Implementation => ({
      name: `ours, ${backendName}`,
      party: (address, withOneTimePreKey) => new OurParty(address, withOneTimePreKey, crypto),
    })),
    {
      name: 'libsignal 0.90.0',
      party: (address, withOneTimePreKey) => {
        const party = createLibsignalParty(libsignal, address);
        return { ...party, bundle: (id: number) => party.bundle(id, withOneTimePreKey) };
      },
    },
  ];
  const rows: Record<string, Record<string, string>> = {};
  // Per measure and implementation, the seconds per operation summed over rounds.
  const secondsPerOperation: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, implementation] of implementations.entries()) {
      const setups = await measureSetups(implementation);
      const results = {
        'PQXDH setups/s, initiator': setups.initiator,
        'PQXDH setups/s, responder': setups.responder,
        '1 KiB round trips/s, one way': await measureRoundTrips(implementation, false),
        '1 KiB round trips/s, alternating': await measureRoundTrips(implementation, true),
      };
      for (const [measure, rate] of Object.entries(results)) {
        const sums = (secondsPerOperation[measure] ??= implementations.map(() => 0));
        sums[index]! += 1 / rate;
      }
    }
  }
  const figures: Record<string, number[]> = {};
  for (const [measure, sums] of Object.entries(secondsPerOperation)) {
    figures[measure] = sums.map((sum) => ROUNDS / sum);
    for (const [index, implementation] of implementations.entries()) {
      (rows[measure] ??= {})[implementation.name] = figures[measure][index]!.toFixed(0);
    }
  }
  for (const [measure, values] of Object.entries(figures)) {
    const libsignalFigure = values.at(-1)!;
    for (const [index, implementation] of implementations.slice(0, -1).entries()) {
      rows[measure]![`${implementation.name} / libsignal`] = (values[index]! / libsignalFigure).toFixed(2);
    }
  }
  console.table(rows);
}

void main();
