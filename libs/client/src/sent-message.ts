/** A message this account sent, as the SDK tells the application, so that every device keeps one history. */
export interface SentMessage {
  /** Recipient's account ID. */
  to: string;
  text: string;
  /** When the sending device composed it, by its clock (ms since the epoch). */
  sentAt: number;
  /** True for a send from this client; false for one another device of the account reported in a sync transcript. */
  fromThisDevice: boolean;
  /** The sending device's ID. */
  fromDevice: number;
  /** Hex; the same on every device of the account, so that their histories can be matched. */
  clientMessageId: string;
}
