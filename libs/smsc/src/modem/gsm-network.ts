import type { PhoneNumber, SmsPart } from '@coming/sms';

/**
 * What the network did with one message: handed it to the recipient's modem, or not. The
 * sender hears only of an unknown number; a message for a full modem is lost, where a real
 * SMSC would hold it and retry once the phone reports free memory.
 */
export type GsmNetworkOutcome = 'delivered' | 'unknown-number' | 'memory-full';

/** One message that crossed the network, as an eavesdropper on it would see it. */
export interface GsmNetworkRecord {
  readonly from: PhoneNumber;
  readonly to: PhoneNumber;
  readonly part: SmsPart;
  readonly outcome: GsmNetworkOutcome;
}

/** A phone on the network: stores what it is sent, if it has room. */
export interface GsmSubscriber {
  receive(from: PhoneNumber, part: SmsPart): boolean;
}

/** A GSM network in one process: routes each submitted message to the modem with the destination number. */
export class GsmNetwork {
  private readonly subscribers = new Map<PhoneNumber, GsmSubscriber>();
  private readonly records: GsmNetworkRecord[] = [];

  attach(number: PhoneNumber, subscriber: GsmSubscriber): void {
    if (this.subscribers.has(number)) throw new Error(`${number} is already on the network`);
    this.subscribers.set(number, subscriber);
  }

  detach(number: PhoneNumber): void {
    this.subscribers.delete(number);
  }

  /** Turns an SMS-SUBMIT from `from` into an SMS-DELIVER to `to`, as an SMSC would. */
  submit(from: PhoneNumber, to: PhoneNumber, part: SmsPart): GsmNetworkOutcome {
    const subscriber = this.subscribers.get(to);
    const outcome = !subscriber ? 'unknown-number' : subscriber.receive(from, part) ? 'delivered' : 'memory-full';
    this.records.push({ from, to, part, outcome });
    return outcome;
  }

  /** Everything that crossed, in order. */
  get log(): readonly GsmNetworkRecord[] {
    return this.records;
  }
}
