// Mailbox.Ack takes at most this many GUIDs per call (mailbox.proto).
const MAILBOX_ACK_LIMIT = 500;

/**
 * Coalesces one device's acknowledgements that arrive within a turn of the event loop
 * (several Acknowledge frames read from one TCP segment, say) into one Mailbox.Ack call
 * per 500 GUIDs. Each caller still resolves only once its own GUIDs are deleted.
 */
export class AcknowledgementBatcher {
  private batch: { guids: Uint8Array[]; deleted: Promise<void> } | undefined;

  constructor(private readonly deleteStored: (serverGuids: Uint8Array[]) => Promise<void>) {}

  delete(serverGuids: Uint8Array[]): Promise<void> {
    if (serverGuids.length === 0) return Promise.resolve();
    if (this.batch === undefined) {
      const guids: Uint8Array[] = [];
      const deleted = new Promise((resolve) => setImmediate(resolve)).then(() => {
        this.batch = undefined;
        return this.flush(guids);
      });
      this.batch = { guids, deleted };
    }
    this.batch.guids.push(...serverGuids);
    return this.batch.deleted;
  }

  private async flush(guids: Uint8Array[]): Promise<void> {
    const calls: Promise<void>[] = [];
    for (let start = 0; start < guids.length; start += MAILBOX_ACK_LIMIT) {
      calls.push(this.deleteStored(guids.slice(start, start + MAILBOX_ACK_LIMIT)));
    }
    await Promise.all(calls);
  }
}
