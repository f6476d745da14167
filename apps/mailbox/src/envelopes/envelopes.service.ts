import { InjectLogger, type Logger } from '@coming/logging';
import { mailbox, MAX_DEVICE_ID, MAX_ENVELOPE_BYTES, messaging, SERVER_GUID_BYTES } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { InjectMailboxConfig, type MailboxConfig } from '../mailbox.config';
import { EnqueueBatcher } from './enqueue-batcher';
import { EnvelopesError, EnvelopesErrorCode } from './envelopes.errors';
import { EnvelopesRepository } from './envelopes.repository';
import { pageOf } from './fetch-page';
import { MailboxEventsRepository } from './mailbox-events.repository';

const MAX_PAGE = 500;
const MAX_ACK_BATCH = 500;
/** Account IDs are bech32m strings: lowercase letters and digits, at most 90 characters. */
const ACCOUNT_ID = /^[a-z0-9]{1,90}$/;

/**
 * PostgreSQL alone holds envelopes: their bodies are read with the rows that list them,
 * so a second store would only add a write per enqueue, a delete per ack, and a copy that
 * could outlive its acknowledgement.
 */
@Injectable()
export class EnvelopesService {
  constructor(
    @InjectMailboxConfig() private readonly config: MailboxConfig,
    private readonly envelopes: EnvelopesRepository,
    private readonly batcher: EnqueueBatcher,
    private readonly events: MailboxEventsRepository,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async enqueue(envelope: messaging.Envelope | undefined): Promise<mailbox.EnqueueResponse> {
    if (envelope === undefined) throw invalid('envelope is required');
    checkGuid(envelope.serverGuid, 'envelope.server_guid');
    checkDevice(envelope.destinationAccount, envelope.destinationDevice, 'envelope.destination');
    checkAccount(envelope.sourceAccount, 'envelope.source_account');
    const { destinationAccount: accountId, destinationDevice: deviceId, sourceAccount, serverGuid } = envelope;
    const body = messaging.Envelope.encode(envelope).finish();
    if (body.length > MAX_ENVELOPE_BYTES) {
      throw invalid(`envelope is ${body.length} bytes encoded; at most ${MAX_ENVELOPE_BYTES}, the most one Fetch page can carry`);
    }
    const expiresAt = new Date(this.clock.now().getTime() + this.config.MAILBOX_ENVELOPE_TTL_MS);
    const outcome = await this.batcher.insert({ accountId, deviceId, sourceAccount, serverGuid, envelope: body, expiresAt });
    switch (outcome) {
      case 'full':
        return { mailboxFull: { capacity: this.config.MAILBOX_MAX_ENVELOPES_PER_DEVICE } };
      case 'sender-quota':
        return { senderQuotaExceeded: { quota: this.config.MAILBOX_MAX_ENVELOPES_PER_SENDER } };
      case 'duplicate':
        return { stored: { duplicate: true } };
      case 'stored':
        // An optimisation over the committed row: a failure costs latency, not data.
        await this.events.publishStored(accountId, deviceId, serverGuid).catch((error: unknown) => this.warn('stored event', error));
        return { stored: { duplicate: false } };
    }
  }

  async fetch({ accountId, deviceId, afterSequence, limit }: mailbox.FetchRequest): Promise<mailbox.FetchResponse> {
    checkDevice(accountId, deviceId, 'device');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid(`limit must be 1 to ${MAX_PAGE}`);
    const budget = this.config.MAILBOX_FETCH_PAGE_BYTES;
    const next = await this.envelopes.listAfter(
      accountId,
      deviceId,
      { afterSequence, limit: limit + 1, inlineBytes: Math.floor(budget / (limit + 1)) },
      this.clock.now(),
    );
    const page = pageOf(next, limit, budget);
    const large = await this.envelopes.bodies(
      accountId,
      deviceId,
      page.filter((reference) => reference.envelope === null).map((reference) => reference.sequence),
    );
    const bodies = new Map(large.map((row) => [row.sequence, row.envelope]));
    // A large envelope acknowledged or expired between the two reads is simply absent.
    const envelopes = page.flatMap(({ sequence, envelope }) => {
      const body = envelope ?? bodies.get(sequence);
      return body === undefined ? [] : [{ sequence, envelope: messaging.Envelope.decode(body) }];
    });
    return { envelopes, hasMore: next.length > page.length };
  }

  async ack({ accountId, deviceId, serverGuids }: mailbox.AckRequest): Promise<mailbox.AckResponse> {
    checkDevice(accountId, deviceId, 'device');
    if (serverGuids.length > MAX_ACK_BATCH) throw invalid(`at most ${MAX_ACK_BATCH} server_guids per call`);
    serverGuids.forEach((guid, index) => checkGuid(guid, `server_guids[${index}]`));
    return { deleted: await this.envelopes.delete(accountId, deviceId, serverGuids) };
  }

  /** Drops expired envelopes; returns how many. */
  sweepExpired(batchSize: number): Promise<number> {
    return this.envelopes.deleteExpired(this.clock.now(), batchSize);
  }

  /** Deletes everything held for a device that left its account; returns how many envelopes went. */
  purgeDevice(accountId: string, deviceId: number): Promise<number> {
    checkDevice(accountId, deviceId, 'device');
    return this.envelopes.deleteDevice(accountId, deviceId);
  }

  /** Drops the quota rows of senders that hold nothing; returns how many. */
  forgetIdleSenders(batchSize: number): Promise<number> {
    return this.envelopes.forgetIdleSenders(batchSize);
  }

  private warn(what: string, error: unknown) {
    this.logger.warn({ err: error }, `${what} failed; PostgreSQL holds the truth regardless`);
  }
}

function checkGuid(guid: Uint8Array, field: string) {
  if (guid.length !== SERVER_GUID_BYTES) throw invalid(`${field} must be ${SERVER_GUID_BYTES} bytes, got ${guid.length}`);
}

function checkAccount(accountId: string, field: string) {
  if (!ACCOUNT_ID.test(accountId)) throw invalid(`${field} must be 1 to 90 lowercase letters and digits (a bech32m account ID)`);
}

function checkDevice(accountId: string, deviceId: number, field: string) {
  checkAccount(accountId, `${field} account`);
  if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > MAX_DEVICE_ID)
    throw invalid(`${field} device must be 1 to ${MAX_DEVICE_ID}`);
}

function invalid(message: string): EnvelopesError {
  return new EnvelopesError(EnvelopesErrorCode.InvalidArgument, message);
}
