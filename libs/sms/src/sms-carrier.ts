import type { SmsPart } from './sms-part';

/** A phone number in E.164 form: `+`, then 1 to 15 digits, the first not 0. */
export type PhoneNumber = string;

/**
 * A way to send and receive SMS: an SMPP account, a GSM modem, an HTTP gateway. A carrier
 * moves parts and nothing else; splitting messages into parts and putting them back
 * together is the codec's, the same for every carrier.
 */
export interface SmsCarrier {
  /** Sends the parts of one message to `to`, in order; resolves once the carrier accepted them all. */
  send(to: PhoneNumber, parts: readonly SmsPart[]): Promise<void>;
  /** Registers the one listener of every part that arrives, from whom. */
  onPart(listener: (from: PhoneNumber, part: SmsPart) => void): void;
  close(): Promise<void>;
}
