/** A message as the SDK hands it to the application. */
export interface ReceivedMessage {
  /** Sender's account ID. */
  from: string;
  fromDevice: number;
  text: string;
  /** When the sender composed it, by the sender's clock (ms since the epoch). */
  sentAt: number;
  /** When the server accepted it (ms since the epoch). */
  receivedAt: number;
  /** Hex; unique per message and recipient device. */
  serverGuid: string;
}
