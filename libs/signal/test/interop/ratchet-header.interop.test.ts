import { beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../src/crypto/bytes';
import { CiphertextMessageType } from '../../src/protocol/message-version';
import { parsePreKeySignalMessage } from '../../src/protocol/pre-key-signal-message';
import { parseSignalMessage } from '../../src/protocol/signal-message';
import type { PreKeyBundle } from '../../src/pqxdh/pre-key-bundle';
import type { ProtocolAddress } from '../../src/stores/protocol-address';
import type { ConversationPeer } from '../support/conversation';
import { OurParty } from '../support/our-party';
import { createLibsignalParty } from './libsignal-party';
import { type Libsignal, loadLibsignal } from './load-libsignal';

type Party = ConversationPeer & {
  bundle(id: number): Promise<PreKeyBundle>;
  processPreKeyBundle(remote: ProtocolAddress, bundle: PreKeyBundle): Promise<void>;
};

// Turns of [speaker, messages sent]: chains of 0 to 5 messages, so previous_counter takes
// the values that differ between N and N − 1, including the 1 → 0 case.
const SCRIPT: [0 | 1, number][] = [
  [0, 3],
  [1, 2],
  [0, 1],
  [1, 1],
  [0, 5],
  [1, 4],
  [0, 2],
  [1, 1],
];

/** Runs the script and returns every message's `counter/previous_counter`, prefixed by its sender. */
async function headersOf(initiator: Party, responder: Party): Promise<string[]> {
  await initiator.processPreKeyBundle(responder.address, await responder.bundle(1));
  const headers = [];
  for (const [speaker, count] of SCRIPT) {
    const [from, to] = speaker === 0 ? [initiator, responder] : [responder, initiator];
    for (let index = 0; index < count; index++) {
      const message = await from.encrypt(to.address, utf8ToBytes(`${speaker}:${index}`));
      const { counter, previousCounter } =
        message.type === CiphertextMessageType.PreKey
          ? parsePreKeySignalMessage(message.serialized).message
          : parseSignalMessage(message.serialized);
      headers.push(`${speaker === 0 ? 'initiator' : 'responder'} ${counter}/${previousCounter}`);
      await to.decrypt(from.address, message);
    }
  }
  return headers;
}

describe('ratchet headers against libsignal 0.90.0', () => {
  let libsignal: Libsignal;
  beforeAll(async () => {
    libsignal = await loadLibsignal();
  });

  const ours = (name: string): Party => new OurParty({ name, deviceId: 1 });
  const theirs = (name: string): Party => {
    const party = createLibsignalParty(libsignal, { name, deviceId: 1 });
    return { ...party, bundle: (id: number) => party.bundle(id) };
  };

  it('writes the same counter and previous_counter as libsignal, in either role', async () => {
    const reference = await headersOf(theirs('a'), theirs('b'));
    // The previous chain's last index, N − 1: after 3 messages the next chain says 2.
    expect(reference).toContain('initiator 0/2');
    expect(await headersOf(ours('a'), theirs('b'))).toEqual(reference);
    expect(await headersOf(theirs('a'), ours('b'))).toEqual(reference);
    expect(await headersOf(ours('a'), ours('b'))).toEqual(reference);
  });
});
