import type { PhoneNumber } from '../../sms-carrier';

/** The final states a receipt's `stat:` field names (SMPP 3.4 Appendix B). */
export type DeliveryState = 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD';

const DELIVERY_STATES: readonly string[] = ['DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD'];

/** What an SMS centre reports about a message it accepted: not a part, so never handed to the codec. */
export interface DeliveryReceipt {
  /** The message ID the centre answered the submit_sm with. */
  readonly messageId: string;
  /** Who the message was for. */
  readonly recipient: PhoneNumber;
  readonly state: DeliveryState;
}

/** SMPP 3.4's message_state TLV values of the states a receipt names. */
export const MESSAGE_STATE: Readonly<Record<DeliveryState, number>> = {
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

/**
 * The receipt text of SMPP 3.4 Appendix B, the de facto format. Its `text:` field, by custom
 * the message's first characters, stays empty: a message here is ciphertext, and a receipt
 * must not copy it elsewhere.
 */
export function receiptText(messageId: string, state: DeliveryState, submitted: Date, done: Date): string {
  const delivered = state === 'DELIVRD' ? '001' : '000';
  return `id:${messageId} sub:001 dlvrd:${delivered} submit date:${receiptDate(submitted)} done date:${receiptDate(done)} stat:${state} err:000 text:`;
}

/** YYMMDDhhmm, in UTC. */
function receiptDate(date: Date): string {
  return date.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d).*$/, '$1$2$3$4$5');
}

/** The message ID and state a receipt text names, or undefined when it is no receipt. */
export function readReceiptText(text: string): { messageId: string; state: DeliveryState } | undefined {
  const messageId = /(?:^|\s)id:(\S{1,65})/.exec(text)?.[1];
  const state = /(?:^|\s)stat:(\w{7})/.exec(text)?.[1];
  if (messageId === undefined || state === undefined || !DELIVERY_STATES.includes(state)) return undefined;
  return { messageId, state: state as DeliveryState };
}
