import type { AccountKey } from '@coming/identity';
import type { LoadDevice } from '../generator/load-account';
import type { LoopbackAddresses } from '../generator/loopback-addresses';

/**
 * What an attack may aim at: the stack, and the honest users measured while it runs. It
 * crosses into the attackers' thread, so it holds only plain data.
 */
export interface AttackTarget {
  /** The first gateway, where the honest sender is (ws://host:port). */
  senderUrl: string;
  /** The second gateway, where the honest recipient is. */
  recipientUrl: string;
  /** The second gateway's process, whose memory a slow reader would grow. */
  recipientGatewayPid: number;
  /** The honest sender and its key (for its own logins, as its owner would make them). */
  sender: { device: LoadDevice; key: AccountKey };
  /** The honest recipient, online throughout. */
  recipient: LoadDevice;
  /** A third honest user whose only device is offline, so that what is sent to it is stored. */
  offline: LoadDevice;
}

export interface AttackContext extends AttackTarget {
  /** Source addresses for the attackers' sockets and logins. */
  addresses: LoopbackAddresses;
}

/** What an attack did, and whether what it aimed at still worked for the honest side. */
export interface AttackEffect {
  /** One line for the report. */
  summary: string;
  /** Counts by name, for the JSON summary and the test. */
  figures: Record<string, number>;
  /** The honest side's own check for this attack (beyond the honest pair's deliveries) held. */
  honestUnharmed: boolean;
}

export interface RunningAttack {
  /** Stops the attack, closes what it opened, and tells what it achieved. */
  stop(): Promise<AttackEffect>;
}

/** One way a hostile user tries to stop delivery for others; names are what --attacks takes. */
export interface Attack {
  name: string;
  /** The class of weakness it attacks, in a few words. */
  description: string;
  /** Sets the attack up and starts it; resolves once it is in full swing. */
  start(context: AttackContext): Promise<RunningAttack>;
}
