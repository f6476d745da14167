import type { ReceivedMessage, SendReport } from '@coming/client';
import { wire } from '@coming/proto';
import type { HistoryEntry } from '../history/message-history';
import type { HistoryView, MessageView, SendView } from './account';

export function messageView(message: ReceivedMessage, fromName: string | undefined): MessageView {
  return {
    from: message.from,
    fromName: fromName ?? null,
    fromDevice: message.fromDevice,
    text: message.text,
    sentAt: new Date(message.sentAt).toISOString(),
    receivedAt: new Date(message.receivedAt).toISOString(),
    serverGuid: message.serverGuid,
    via: message.via,
  };
}

export function historyView(entry: HistoryEntry, contactName: string | undefined): HistoryView {
  return {
    direction: entry.direction,
    contact: entry.contact,
    contactName: contactName ?? null,
    text: entry.text,
    sentAt: new Date(entry.sentAt).toISOString(),
    receivedAt: entry.receivedAt === undefined ? null : new Date(entry.receivedAt).toISOString(),
    serverGuid: entry.serverGuid ?? null,
  };
}

export function sendView(to: string, toName: string | undefined, sentAt: number, report: SendReport): SendView {
  return {
    to,
    toName: toName ?? null,
    sentAt: new Date(sentAt).toISOString(),
    devices: [
      ...report.outcomes.map(({ destinationDevice, outcome, refusalReason }) => ({
        device: destinationDevice,
        outcome: outcomeName(outcome),
        reason: outcome === wire.DeliveryOutcome.DELIVERY_OUTCOME_REFUSED ? reasonName(refusalReason) : null,
      })),
      ...report.sms.map(({ deviceId }) => ({ device: deviceId, outcome: 'sms' as const, reason: null })),
      // A copy sent by SMS is kept for the server too: it shows as sent by SMS only.
      ...report.queuedForServer
        .filter((device) => !report.sms.some(({ deviceId }) => deviceId === device))
        .map((device) => ({ device, outcome: 'queued' as const, reason: null })),
    ],
  };
}

function outcomeName(outcome: wire.DeliveryOutcome): SendView['devices'][number]['outcome'] {
  switch (outcome) {
    case wire.DeliveryOutcome.DELIVERY_OUTCOME_DELIVERED:
      return 'delivered';
    case wire.DeliveryOutcome.DELIVERY_OUTCOME_STORED:
      return 'stored';
    default:
      // Unspecified or newer than this client: nothing says it was kept.
      return 'refused';
  }
}

/** "mailbox_full" from REFUSAL_REASON_MAILBOX_FULL. */
function reasonName(reason: wire.RefusalReason): string {
  return wire
    .refusalReasonToJSON(reason)
    .replace(/^REFUSAL_REASON_/, '')
    .toLowerCase();
}
