import { createHash } from 'node:crypto';

export interface MessageAddress {
  sourceAccount: string;
  sourceDevice: number;
  clientMessageId: Uint8Array;
  destinationAccount: string;
  destinationDevice: number;
}

/**
 * The envelope's server GUID, derived rather than random: a retry of the same message
 * to the same device gets the same GUID, so the mailbox stores it once. A sender can
 * only collide with its own messages, since its address comes from its token.
 */
export function serverGuidOf(address: MessageAddress): Uint8Array {
  return serverGuidsOf(address)(address.destinationDevice);
}

/**
 * The GUIDs of one message's copies, one per recipient device: the part of the hash that
 * all copies share is computed once and copied for each device.
 */
export function serverGuidsOf(message: Omit<MessageAddress, 'destinationDevice'>): (destinationDevice: number) => Uint8Array {
  const shared = createHash('sha256').update('coming/server-guid/v1');
  for (const part of [message.sourceAccount, String(message.sourceDevice), message.destinationAccount]) {
    shared.update(`${part.length}:${part}`);
  }
  return (destinationDevice) => {
    const device = String(destinationDevice);
    return shared.copy().update(`${device.length}:${device}`).update(message.clientMessageId).digest().subarray(0, 16);
  };
}

export function guidKey(guid: Uint8Array): string {
  return Buffer.from(guid).toString('hex');
}
