import { type SealedFolder } from '@coming/client';

/** One message to or from a contact, as the history keeps it. */
export interface HistoryEntry {
  direction: 'sent' | 'received';
  /** The other party's account ID. */
  contact: string;
  text: string;
  /** When the sender sent it, ms since the epoch. */
  sentAt: number;
  /** Received messages only: when this device got it, and the server's ID for it. */
  receivedAt?: number;
  serverGuid?: string;
}

const HISTORY = 'history';

/** Sent and received messages, an append-only log sealed record by record in the home. */
export class MessageHistory {
  constructor(private readonly folder: SealedFolder) {}

  async record(entry: HistoryEntry): Promise<void> {
    await this.folder.append(HISTORY, Buffer.from(JSON.stringify(entry)));
  }

  /** The last `limit` messages exchanged with `contact`, oldest first. */
  async with(contact: string, limit: number): Promise<HistoryEntry[]> {
    const entries = (await this.folder.records(HISTORY))
      .map((record) => JSON.parse(Buffer.from(record).toString()) as HistoryEntry)
      .filter((entry) => entry.contact === contact);
    return entries.slice(Math.max(0, entries.length - limit));
  }
}
