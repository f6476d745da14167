import { Injectable } from '@nestjs/common';
import { InjectMailboxConfig, type MailboxConfig } from '../mailbox.config';
import { EnvelopesRepository, type InsertOutcome, type NewEnvelope } from './envelopes.repository';

/** Rows in one batch: a multi-row INSERT well inside PostgreSQL's 65,535 bind parameters. */
const MAX_BATCH_ROWS = 256;
/** Bytes of envelopes in one batch, so a batch of large envelopes stays one modest statement. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** Batches committing at once; while all are busy, new calls gather into the next batch. */
const CONCURRENT_BATCHES = 1;

interface Waiting {
  row: NewEnvelope;
  resolve: (outcome: InsertOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: concurrent Enqueue calls share one transaction and one multi-row INSERT.
 * A call joins the next batch, which commits on the next turn of the event loop (or at
 * once when full); each caller is answered only after its batch has committed.
 */
@Injectable()
export class EnqueueBatcher {
  private waiting: Waiting[] = [];
  private waitingBytes = 0;
  private committing = 0;
  private scheduled = false;

  constructor(
    @InjectMailboxConfig() private readonly config: MailboxConfig,
    private readonly envelopes: EnvelopesRepository,
  ) {}

  insert(row: NewEnvelope): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      this.waitingBytes += row.envelope.length;
      if (this.waiting.length >= MAX_BATCH_ROWS || this.waitingBytes >= MAX_BATCH_BYTES) this.flush();
      else this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    while (this.waiting.length > 0 && this.committing < CONCURRENT_BATCHES) void this.commit(this.takeBatch());
  }

  private takeBatch(): Waiting[] {
    let bytes = 0;
    let count = 0;
    while (count < this.waiting.length && count < MAX_BATCH_ROWS && (count === 0 || bytes < MAX_BATCH_BYTES)) {
      bytes += this.waiting[count]!.row.envelope.length;
      count += 1;
    }
    this.waitingBytes -= bytes;
    return this.waiting.splice(0, count);
  }

  private async commit(batch: Waiting[]): Promise<void> {
    this.committing += 1;
    try {
      const outcomes = await this.envelopes.insertMany(
        batch.map((waiting) => waiting.row),
        this.limits(),
      );
      batch.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
    } catch (error) {
      // One caller's row must not fail the others: alone, each gets its own answer.
      if (batch.length === 1) batch[0]!.reject(error);
      else await Promise.all(batch.map((waiting) => this.commitAlone(waiting)));
    } finally {
      this.committing -= 1;
      this.flush();
    }
  }

  private async commitAlone({ row, resolve, reject }: Waiting): Promise<void> {
    try {
      const [outcome] = await this.envelopes.insertMany([row], this.limits());
      resolve(outcome!);
    } catch (error) {
      reject(error);
    }
  }

  private limits() {
    return { capacity: this.config.MAILBOX_MAX_ENVELOPES_PER_DEVICE, senderQuota: this.config.MAILBOX_MAX_ENVELOPES_PER_SENDER };
  }
}
