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
  const hash = createHash('sha256').update('coming/server-guid/v1');
  for (const part of [address.sourceAccount, String(address.sourceDevice), address.destinationAccount, String(address.destinationDevice)]) {
    hash.update(`${part.length}:${part}`);
  }
  return hash.update(address.clientMessageId).digest().subarray(0, 16);
}

export function guidKey(guid: Uint8Array): string {
  return Buffer.from(guid).toString('hex');
}
