import type { SmsPart } from './sms-part';

/** A phone number in E.164 form: `+`, then 1 to 15 digits, the first not 0. */
export type PhoneNumber = string;

/**
 * Takes a received part. The carrier acknowledges the part to the network (deliver_sm_resp,
 * deleting it from the modem's storage, the webhook's 2xx) only once the returned promise
 * resolves, that is once the part is safe with the client; when it rejects, the network
 * keeps the part to deliver again (the SMS centre, the gateway) or the modem keeps it stored.
 */
export type SmsPartListener = (from: PhoneNumber, part: SmsPart) => Promise<void> | void;

/**
 * A way to send and receive SMS: an SMPP account, a GSM modem, an HTTP gateway. A carrier
 * moves parts and nothing else; splitting messages into parts and putting them back
 * together is the codec's, the same for every carrier.
 */
export interface SmsCarrier {
  /** Sends the parts of one message to `to`, in order; resolves once the carrier accepted them all. */
  send(to: PhoneNumber, parts: readonly SmsPart[]): Promise<void>;
  /** Registers the one listener of every part that arrives, from whom. */
  onPart(listener: SmsPartListener): void;
  close(): Promise<void>;
}
