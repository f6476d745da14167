import type { messaging } from '@coming/proto';
import {
  decodeSmsMessage,
  type PhoneNumber,
  type SmsCarrier,
  SmsCodecError,
  type SmsPart,
  SmsReassembler,
  type SmsReassemblerStats,
} from '@coming/sms';
import type { StateKeeper } from '../../state-keeper';
import { envelopeOfSms, type SmsReceiver } from './sms-envelope';
import { SmsTransportError, SmsTransportErrorCode } from './sms-transport.errors';

/**
 * What incomplete messages may hold in all: every part received saves the state, these
 * included, so a flood of parts from many numbers costs bounded writes. About 80 pending
 * messages of the longest kind (a first PreKey message of 20 parts).
 */
const MAX_HELD_BYTES = 256 * 1024;

export interface SmsInboundStats {
  /** Whole SMS without Coming's marker: someone's ordinary text, left alone. */
  foreign: number;
  /** SMS with the marker that did not hold a well-formed envelope. */
  malformed: number;
  reassembly: SmsReassemblerStats;
}

/** An SMS part as the client state keeps it: header and body as received, octets base64. */
export interface StoredSmsPart {
  from: PhoneNumber;
  udh?: string;
  text?: string;
  bytes?: string;
}

/**
 * Turns the parts a carrier receives into envelopes for the inbox: reassembles them
 * (bounded per sender and in all, whatever arrives), drops SMS that are not Coming's,
 * and reads the envelope. Everything here comes from anyone with a phone: nothing a part
 * holds makes the carrier fail, and a damaged Coming SMS is reported, then dropped.
 *
 * A part is taken (and the carrier acknowledges it to the network) only once it is safe:
 * the parts of incomplete messages are kept in the client state and held again after a
 * restart, and a whole message once the inbox has saved it. A state that cannot be saved
 * leaves the part with the network, to be delivered again.
 */
export class SmsInbound {
  private reassembler: SmsReassembler;
  private foreign = 0;
  private malformed = 0;
  private started = false;
  /** Whole messages handed to the inbox and not yet saved by it. */
  private delivering = 0;

  constructor(
    private readonly carrier: SmsCarrier,
    private readonly keeper: StateKeeper,
    /** This device, once it has a device ID. */
    private readonly receiver: () => SmsReceiver | undefined,
    /** Resolves once the envelope is safe in the state. */
    private readonly deliver: (envelope: messaging.Envelope) => Promise<void>,
    private readonly report: (error: Error) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.reassembler = this.reassemblerHolding(keeper.state.smsParts ?? []);
  }

  /** Starts taking parts: only once the application takes messages, so that until then the SMS centre keeps them. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.carrier.onPart((from, part) => this.onPart(from, part));
  }

  stats(): SmsInboundStats {
    return { foreign: this.foreign, malformed: this.malformed, reassembly: this.reassembler.stats() };
  }

  private async onPart(from: PhoneNumber, part: SmsPart): Promise<void> {
    const whole = this.reassembler.accept(from, part);
    const envelope = whole && this.envelopeOf(from, whole.body);
    if (envelope === undefined) {
      this.keepHeldParts();
      return this.keeper.save();
    }
    this.delivering += 1;
    try {
      await this.deliver(envelope);
    } catch (error) {
      // Not taken: the parts kept for it go back, so that the network's next delivery of its last part completes it again.
      this.reassembler = this.reassemblerHolding([
        ...(this.keeper.state.smsParts ?? []),
        ...this.reassembler.heldParts().map(storedOfPart),
      ]);
      throw error;
    } finally {
      this.delivering -= 1;
      this.keepHeldParts();
    }
  }

  /** A reassembler holding `parts` (repeats dropped), remembering no completed message. */
  private reassemblerHolding(parts: StoredSmsPart[]): SmsReassembler {
    const reassembler = new SmsReassembler({ maxBytes: MAX_HELD_BYTES }, this.now);
    for (const { from, part } of parts.map(partOfStored)) reassembler.accept(from, part);
    return reassembler;
  }

  /**
   * Puts the parts held into the state, for the next save. While the inbox has yet to save a
   * message completed here, the parts it was made of stay too (a save for another part could
   * come first): a crash then finds them again, where dropping them would lose the message,
   * its last part being acknowledged. An incomplete message left over that way times out.
   */
  private keepHeldParts(): void {
    const held = this.reassembler.heldParts().map(storedOfPart);
    if (this.delivering === 0) {
      this.keeper.state.smsParts = held;
      return;
    }
    const kept = new Map((this.keeper.state.smsParts ?? []).map((stored) => [JSON.stringify(stored), stored]));
    for (const stored of held) kept.set(JSON.stringify(stored), stored);
    this.keeper.state.smsParts = [...kept.values()];
  }

  /** The envelope a whole SMS carries; undefined for someone's ordinary SMS, and for a damaged one, reported. */
  private envelopeOf(from: PhoneNumber, body: SmsPart['body']): messaging.Envelope | undefined {
    try {
      const decoded = decodeSmsMessage(body);
      if (decoded.kind === 'foreign') {
        this.foreign += 1;
        return undefined;
      }
      const receiver = this.receiver();
      if (receiver === undefined) throw new SmsTransportError(SmsTransportErrorCode.NoSession, 'this device is not registered yet');
      return envelopeOfSms(decoded.bytes, receiver, this.now());
    } catch (error) {
      this.malformed += 1;
      this.report(malformedError(from, error));
      return undefined;
    }
  }
}

function storedOfPart({ from, part }: { from: PhoneNumber; part: SmsPart }): StoredSmsPart {
  const base64 = (octets: Uint8Array) => Buffer.from(octets).toString('base64');
  return {
    from,
    ...(part.udh && { udh: base64(part.udh) }),
    ...(part.body.coding === 'gsm7' ? { text: part.body.text } : { bytes: base64(part.body.bytes) }),
  };
}

function partOfStored({ from, udh, text, bytes }: StoredSmsPart): { from: PhoneNumber; part: SmsPart } {
  const octets = (base64: string) => Uint8Array.from(Buffer.from(base64, 'base64'));
  const body: SmsPart['body'] = text !== undefined ? { coding: 'gsm7', text } : { coding: 'binary', bytes: octets(bytes ?? '') };
  return { from, part: { ...(udh !== undefined && { udh: octets(udh) }), body } };
}

function malformedError(from: PhoneNumber, error: unknown): Error {
  if (error instanceof SmsTransportError) return error;
  const reason = error instanceof SmsCodecError ? error.message : String(error);
  return new SmsTransportError(SmsTransportErrorCode.MalformedSms, `an SMS from ${from} bore Coming's marker but ${reason}; dropped it`, {
    cause: error,
  });
}
