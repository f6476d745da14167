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
import { envelopeOfSms, type SmsReceiver } from './sms-envelope';
import { SmsTransportError, SmsTransportErrorCode } from './sms-transport.errors';

export interface SmsInboundStats {
  /** Whole SMS without Coming's marker: someone's ordinary text, left alone. */
  foreign: number;
  /** SMS with the marker that did not hold a well-formed envelope. */
  malformed: number;
  reassembly: SmsReassemblerStats;
}

/**
 * Turns the parts a carrier receives into envelopes for the inbox: reassembles them
 * (bounded per sender and in all, whatever arrives), drops SMS that are not Coming's,
 * and reads the envelope. Everything here comes from anyone with a phone: nothing thrown
 * reaches the carrier, and a damaged Coming SMS is reported, then dropped.
 */
export class SmsInbound {
  private readonly reassembler: SmsReassembler;
  private foreign = 0;
  private malformed = 0;
  private started = false;

  constructor(
    private readonly carrier: SmsCarrier,
    /** This device, once it has a device ID. */
    private readonly receiver: () => SmsReceiver | undefined,
    private readonly deliver: (envelope: messaging.Envelope) => void,
    private readonly report: (error: Error) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.reassembler = new SmsReassembler({}, now);
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

  private onPart(from: PhoneNumber, part: SmsPart): void {
    const whole = this.reassembler.accept(from, part);
    if (whole === undefined) return;
    try {
      const decoded = decodeSmsMessage(whole.body);
      if (decoded.kind === 'foreign') {
        this.foreign += 1;
        return;
      }
      const receiver = this.receiver();
      if (receiver === undefined) throw new SmsTransportError(SmsTransportErrorCode.NoSession, 'this device is not registered yet');
      this.deliver(envelopeOfSms(decoded.bytes, receiver, this.now()));
    } catch (error) {
      this.malformed += 1;
      this.report(malformedError(from, error));
    }
  }
}

function malformedError(from: PhoneNumber, error: unknown): Error {
  if (error instanceof SmsTransportError) return error;
  const reason = error instanceof SmsCodecError ? error.message : String(error);
  return new SmsTransportError(SmsTransportErrorCode.MalformedSms, `an SMS from ${from} bore Coming's marker but ${reason}; dropped it`, {
    cause: error,
  });
}
