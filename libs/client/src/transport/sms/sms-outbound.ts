import {
  ConcatenationReferences,
  encodeSmsMessage,
  type PhoneNumber,
  type SmsCarrier,
  type SmsMessageMode,
  splitIntoParts,
} from '@coming/sms';
import { encodeSmsEnvelope, type SmsCopy } from './sms-envelope';

/**
 * Sends message copies as SMS: the envelope, wrapped by the codec (GSM-safe text by
 * default, 8-bit data in binary mode), split into concatenated parts under a reference of
 * the destination's own counter, handed to the carrier.
 */
export class SmsOutbound {
  private readonly references = new ConcatenationReferences();

  constructor(
    private readonly carrier: SmsCarrier,
    private readonly mode: SmsMessageMode,
  ) {}

  /** Resolves with the number of parts once the carrier took them all. */
  async send(phone: PhoneNumber, copy: SmsCopy): Promise<number> {
    const body = encodeSmsMessage(encodeSmsEnvelope(copy), { mode: this.mode });
    const parts = splitIntoParts(body, { reference: this.references.take(phone) });
    await this.carrier.send(phone, parts);
    return parts.length;
  }
}
