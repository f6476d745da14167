import type { HistoryView, MessageView, SendView, SmsRouteView } from '../account/account';
import type { DeviceView, RemovedDeviceView } from '../account/device-views';
import type { Contact } from '../contacts/contact-book';
import { escapeForTerminal } from './safe-text';

// Human output: one line per item, and everything a sender or the user typed is escaped
// (see safe-text). --json output prints the views as they are instead.

export function messageLine(message: MessageView): string {
  const via = message.via === 'sms' ? ' (SMS)' : '';
  return `${message.sentAt} ${escapeForTerminal(message.fromName ?? message.from)}${via}: ${escapeForTerminal(message.text)}`;
}

export function historyLine(entry: HistoryView): string {
  const who = escapeForTerminal(entry.contactName ?? entry.contact);
  return `${entry.sentAt} ${entry.direction === 'sent' ? `to ${who}` : `from ${who}`}: ${escapeForTerminal(entry.text)}`;
}

/** `bob +15550002 device 1 transport auto` */
export function routeLine(route: SmsRouteView): string {
  const who = route.contactName === null ? route.contact : escapeForTerminal(route.contactName);
  return `${who} ${route.phone} device ${route.device} transport ${route.transport}`;
}

export function contactLine(contact: Contact): string {
  return `${escapeForTerminal(contact.name)}\t${contact.accountId}`;
}

export function refusalLines(sent: SendView): string[] {
  return sent.devices
    .filter(({ outcome }) => outcome === 'refused')
    .map(({ device, reason }) => `device ${device} of ${sent.to} refused the message (${reason ?? 'no reason given'})`);
}

/** ID, kind, readiness, dates, then the name: what the device named itself is the only free text, so it goes last, escaped. */
export function deviceLine(device: DeviceView): string {
  return [
    device.id,
    device.thisDevice ? `${device.kind} (this device)` : device.kind,
    device.ready ? 'ready' : 'not ready',
    `created ${device.createdAt}`,
    `last seen ${device.lastSeenAt}`,
    device.name === null ? '(no name)' : escapeForTerminal(device.name),
  ].join('\t');
}

export function removedDeviceLine(removed: RemovedDeviceView): string {
  return `${removed.id}\t${removed.reason} ${removed.removedAt}`;
}

export function removedDeviceNotice(removed: RemovedDeviceView): string {
  // Escaped too: through a daemon, these fields arrive as JSON like any other.
  return escapeForTerminal(`device ${removed.id} of this account was ${removed.reason} at ${removed.removedAt}`);
}
