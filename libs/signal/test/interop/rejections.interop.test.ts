import { beforeAll, describe, expect, it } from 'vitest';
import { SignalProtocolError, SignalProtocolErrorCode } from '../../src/signal-protocol.errors';
import { type Implementation, Peers, rejectionCases } from './rejection-cases';
import { type Libsignal, loadLibsignal } from './load-libsignal';

type Kind = SignalProtocolErrorCode | 'accepted';

/**
 * What a libsignal caller can tell apart, in our codes: its error code where it has one, its
 * message otherwise (protocol errors are all "Generic"). An error not listed fails the test,
 * so a new libsignal message cannot slip into a wrong kind.
 */
const LIBSIGNAL_KINDS: [RegExp, SignalProtocolErrorCode][] = [
  [/^ciphertext serialized bytes were too short/, SignalProtocolErrorCode.InvalidMessage],
  [/^protobuf encoding was invalid/, SignalProtocolErrorCode.InvalidMessage],
  [/^bad KEM ciphertext length/, SignalProtocolErrorCode.InvalidMessage],
  [/^invalid PreKey message: (Kyber pre key must be present|Both or neither kyber)/, SignalProtocolErrorCode.InvalidMessage],
  [/^ciphertext version was (too old|unrecognized)/, SignalProtocolErrorCode.UnsupportedVersion],
  [/^invalid PreKey message: X3DH no longer supported/, SignalProtocolErrorCode.UnsupportedVersion],
  [/^invalid (Whisper|PreKey) message: decryption failed/, SignalProtocolErrorCode.BadMac],
  [/^invalid PreKey message: incoming base key is invalid/, SignalProtocolErrorCode.InvalidKey],
  [/^bad (KEM )?key (type|length)/, SignalProtocolErrorCode.InvalidKey],
  [/^invalid key agreement/, SignalProtocolErrorCode.InvalidKey],
  [/^invalid signature detected/, SignalProtocolErrorCode.InvalidSignature],
  [/^session with .* not found/, SignalProtocolErrorCode.NoSession],
  // Our test stores throw for a missing prekey, as libsignal's callers' stores do.
  [/^error in method call 'load(Signed|Kyber)?PreKey'.* not found/, SignalProtocolErrorCode.UnknownPreKey],
];

function libsignalKind(libsignal: Libsignal, error: unknown): Kind {
  if (error instanceof libsignal.LibSignalErrorBase) {
    if (error.code === libsignal.ErrorCode.DuplicatedMessage) return SignalProtocolErrorCode.DuplicateMessage;
    if (error.code === libsignal.ErrorCode.UntrustedIdentity) return SignalProtocolErrorCode.UntrustedIdentity;
  }
  const message = (error as Error).message;
  const match = LIBSIGNAL_KINDS.find(([pattern]) => pattern.test(message));
  if (!match) throw new Error(`libsignal error with no kind in the table: ${message}`);
  return match[1];
}

function ourKind(error: unknown): Kind {
  if (error instanceof SignalProtocolError) return error.code;
  throw error;
}

describe('rejections against libsignal 0.90.0', () => {
  let libsignal: Libsignal;
  beforeAll(async () => {
    libsignal = await loadLibsignal();
  });

  it('rejects every malformed, tampered, replayed or untrusted input with the same kind of error as libsignal', async () => {
    const peers = new Peers(libsignal);
    const rows: { name: string; ours: Kind; libsignal: Kind }[] = [];
    for (const rejection of rejectionCases()) {
      for (const sender of rejection.senders) {
        const outcome = async (receiver: Implementation, kindOf: (error: unknown) => Kind): Promise<Kind> => {
          try {
            await rejection.run(peers, receiver, sender);
            return 'accepted';
          } catch (error) {
            return kindOf(error);
          }
        };
        rows.push({
          name: `${rejection.name} (made by ${sender})`,
          ours: await outcome('ours', ourKind),
          libsignal: await outcome('libsignal', (error) => libsignalKind(libsignal, error)),
        });
      }
    }
    expect(rows.filter((row) => row.ours !== row.libsignal)).toEqual([]);
    // The table covers every kind a caller can act on, and more than a handful of cases each.
    const kinds = new Set(rows.map((row) => row.libsignal));
    for (const code of Object.values(SignalProtocolErrorCode).filter((code) => code !== SignalProtocolErrorCode.InvalidSessionRecord)) {
      expect(kinds, code).toContain(code);
    }
    expect(rows.length).toBeGreaterThanOrEqual(170);
  }, 600_000);
});
