import type { messaging } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sequenceOf } from './signal-sizes';

export interface TrackedMessage {
  sequence: number;
  /** The part of the run it was first sent in, e.g. a chaos fault's name. */
  phase: string;
  /** performance.now() of its first attempt; sender and receiver share this clock. */
  sentAt: number;
  ackedAt?: number;
  deliveredAt?: number;
  /** Times it was shown again under another server GUID. */
  duplicates?: number;
}

/**
 * What was sent, acknowledged and shown, by sequence number. It drops a redelivered
 * server GUID as the client SDK does, and counts a message shown twice under two GUIDs:
 * that is a duplicate a user would see.
 */
export class MessageLedger {
  readonly messages: TrackedMessage[] = [];
  private readonly runId = randomBytes(8);
  private readonly guidsSeen = new Set<string>();
  /** Pushes of a server GUID already received: expected after a crash, and harmless. */
  redeliveries = 0;
  duplicatesShown = 0;

  /** A new message: its sequence number and its client message ID, the same on every retry. */
  plan(phase: string): { sequence: number; clientMessageId: Uint8Array } {
    const sequence = this.messages.length;
    this.messages.push({ sequence, phase, sentAt: performance.now() });
    const clientMessageId = Buffer.alloc(16);
    this.runId.copy(clientMessageId);
    clientMessageId.writeBigUInt64BE(BigInt(sequence), 8);
    return { sequence, clientMessageId };
  }

  acked(sequence: number): void {
    this.messages[sequence]!.ackedAt = performance.now();
  }

  delivered(envelope: messaging.Envelope): void {
    const guid = Buffer.from(envelope.serverGuid).toString('hex');
    if (this.guidsSeen.has(guid)) {
      this.redeliveries += 1;
      return;
    }
    this.guidsSeen.add(guid);
    const message = this.messages[sequenceOf(envelope.content)];
    if (message === undefined) throw new Error('received a message this generator never sent');
    if (message.deliveredAt !== undefined) {
      this.duplicatesShown += 1;
      message.duplicates = (message.duplicates ?? 0) + 1;
      return;
    }
    message.deliveredAt = performance.now();
  }
}
