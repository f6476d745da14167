import { beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../src/crypto/bytes';
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from '../../src/ratchet/ratchet-limits';
import { SignalProtocolError, SignalProtocolErrorCode } from '../../src/signal-protocol.errors';
import { OurParty } from '../support/our-party';
import { createLibsignalParty } from './libsignal-party';
import { type Libsignal, loadLibsignal } from './load-libsignal';

const CREATED_AT = 1_800_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

/** An initiator whose clock the test sets; encrypt reports `sent`, or the kind of refusal. */
interface Initiator {
  start(): Promise<void>;
  encryptAt(now: number): Promise<string>;
  readReply(): Promise<void>;
}

describe('unanswered sessions against libsignal 0.90.0', () => {
  let libsignal: Libsignal;
  beforeAll(async () => {
    libsignal = await loadLibsignal();
  });

  function libsignalInitiator(): Initiator {
    const initiator = createLibsignalParty(libsignal, { name: 'initiator', deviceId: 1 });
    const responder = createLibsignalParty(libsignal, { name: 'responder', deviceId: 1 });
    return {
      start: async () => initiator.processPreKeyBundle(responder.address, await responder.bundle(1), new Date(CREATED_AT)),
      encryptAt: async (now) => {
        try {
          await responder.decrypt(initiator.address, await initiator.encrypt(responder.address, utf8ToBytes('x'), new Date(now)));
          return 'sent';
        } catch (error) {
          // libsignal answers a stale session as a missing one, so that the caller fetches a bundle.
          if (/session with .* not found/.test((error as Error).message)) return 'no session';
          throw error;
        }
      },
      readReply: async () =>
        void (await initiator.decrypt(responder.address, await responder.encrypt(initiator.address, utf8ToBytes('y')))),
    };
  }

  function ourInitiator(): Initiator {
    const initiator = new OurParty({ name: 'initiator', deviceId: 1 });
    const responder = createLibsignalParty(libsignal, { name: 'responder', deviceId: 1 });
    return {
      start: async () => {
        initiator.clock.now = CREATED_AT;
        await initiator.processPreKeyBundle(responder.address, await responder.bundle(1));
      },
      encryptAt: async (now) => {
        initiator.clock.now = now;
        try {
          await responder.decrypt(initiator.address, await initiator.encrypt(responder.address, utf8ToBytes('x')));
          return 'sent';
        } catch (error) {
          if (error instanceof SignalProtocolError && error.code === SignalProtocolErrorCode.NoSession) return 'no session';
          throw error;
        }
      },
      readReply: async () =>
        void (await initiator.decrypt(responder.address, await responder.encrypt(initiator.address, utf8ToBytes('y')))),
    };
  }

  async function timeline(initiator: Initiator): Promise<string[]> {
    await initiator.start();
    const outcomes = [];
    for (const now of [CREATED_AT + 29 * DAY, CREATED_AT + MAX_UNACKNOWLEDGED_SESSION_AGE_MS, CREATED_AT + 30 * DAY + 1]) {
      outcomes.push(await initiator.encryptAt(now));
    }
    return outcomes;
  }

  it('refuses to encrypt on a session unanswered for more than 30 days, as libsignal does', async () => {
    const reference = await timeline(libsignalInitiator());
    expect(reference).toEqual(['sent', 'sent', 'no session']);
    expect(await timeline(ourInitiator())).toEqual(reference);
  });

  it('keeps a session that was answered, however old, as libsignal does', async () => {
    for (const initiator of [libsignalInitiator(), ourInitiator()]) {
      await initiator.start();
      await initiator.encryptAt(CREATED_AT + DAY);
      await initiator.readReply();
      expect(await initiator.encryptAt(CREATED_AT + 365 * DAY)).toBe('sent');
    }
  });
});
