/** What brought a message: the server's WebSocket, or SMS straight from the sender's phone. */
export type Carrier = 'websocket' | 'sms';

/** A message as the SDK hands it to the application. */
export interface ReceivedMessage {
  /** Sender's account ID. */
  from: string;
  fromDevice: number;
  text: string;
  /** When the sender composed it, by the sender's clock (ms since the epoch). */
  sentAt: number;
  /** When the server accepted it, or for one that came by SMS when it arrived here (ms since the epoch). */
  receivedAt: number;
  /** Hex; unique per message and recipient device. For one that came by SMS, a hash of the SMS envelope. */
  serverGuid: string;
  /** The carrier that brought it first; a copy by the other is dropped as a duplicate. */
  via: Carrier;
}
