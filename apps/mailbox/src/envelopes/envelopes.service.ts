import { InjectLogger, type Logger } from '@coming/logging';
import { mailbox, MAX_DEVICE_ID, messaging, SERVER_GUID_BYTES } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { InjectMailboxConfig, type MailboxConfig } from '../mailbox.config';
import { EnvelopeCacheRepository } from './envelope-cache.repository';
import { EnvelopesError, EnvelopesErrorCode } from './envelopes.errors';
import { EnvelopesRepository } from './envelopes.repository';
import { MailboxEventsRepository } from './mailbox-events.repository';

const MAX_PAGE = 500;
const MAX_ACK_BATCH = 500;

@Injectable()
export class EnvelopesService {
  constructor(
    @InjectMailboxConfig() private readonly config: MailboxConfig,
    private readonly envelopes: EnvelopesRepository,
    private readonly cache: EnvelopeCacheRepository,
    private readonly events: MailboxEventsRepository,
    private readonly clock: Clock,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async enqueue(envelope: messaging.Envelope | undefined): Promise<mailbox.EnqueueResponse> {
    if (envelope === undefined) throw invalid('envelope is required');
    checkGuid(envelope.serverGuid, 'envelope.server_guid');
    checkDevice(envelope.destinationAccount, envelope.destinationDevice, 'envelope.destination');
    const { destinationAccount: accountId, destinationDevice: deviceId, serverGuid } = envelope;
    const body = messaging.Envelope.encode(envelope).finish();
    const expiresAt = new Date(this.clock.now().getTime() + this.config.MAILBOX_ENVELOPE_TTL_MS);
    const capacity = this.config.MAILBOX_MAX_ENVELOPES_PER_DEVICE;
    // The hot copy goes in before the row commits: a fetch can see the row only after that,
    // so an acknowledgement's cache delete always comes after this write, never before it.
    await this.cache.put(serverGuid, body, this.config.MAILBOX_CACHE_TTL_MS).catch((error: unknown) => this.warn('cache put', error));
    const outcome = await this.envelopes
      .insert(accountId, deviceId, { serverGuid, envelope: body, expiresAt }, capacity)
      .catch(async (error: unknown) => {
        await this.dropHotCopy(serverGuid);
        throw error;
      });
    switch (outcome) {
      case 'full':
        await this.dropHotCopy(serverGuid);
        return { mailboxFull: { capacity } };
      case 'duplicate':
        // The stored original may differ (its server timestamp); PostgreSQL serves it.
        await this.dropHotCopy(serverGuid);
        return { stored: { duplicate: true } };
      case 'stored':
        // An optimisation over the committed row: a failure costs latency, not data.
        await this.events.publishStored(accountId, deviceId, serverGuid).catch((error: unknown) => this.warn('stored event', error));
        return { stored: { duplicate: false } };
    }
  }

  /** Removes the hot copy of an envelope this call did not store. */
  private async dropHotCopy(serverGuid: Uint8Array) {
    await this.cache.delete([serverGuid]).catch((error: unknown) => this.warn('cache delete', error));
  }

  async fetch({ accountId, deviceId, afterSequence, limit }: mailbox.FetchRequest): Promise<mailbox.FetchResponse> {
    checkDevice(accountId, deviceId, 'device');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid(`limit must be 1 to ${MAX_PAGE}`);
    const page = await this.envelopes.listAfter(accountId, deviceId, afterSequence, limit + 1, this.clock.now());
    const references = page.slice(0, limit);
    const guids = references.map((reference) => reference.serverGuid);
    const cached = await this.cache.getMany(guids).catch((error: unknown) => {
      this.warn('cache read', error);
      return guids.map(() => null);
    });
    const missing = guids.filter((_, index) => cached[index] === null);
    const fromDatabase = await this.envelopes.bodies(accountId, deviceId, missing);
    const envelopes = references.flatMap(({ sequence, serverGuid }, index) => {
      // Absent only if it was acknowledged or expired between the two reads.
      const body = cached[index] ?? fromDatabase.get(Buffer.from(serverGuid).toString('hex'));
      return body === undefined ? [] : [{ sequence, envelope: messaging.Envelope.decode(body) }];
    });
    return { envelopes, hasMore: page.length > limit };
  }

  async ack({ accountId, deviceId, serverGuids }: mailbox.AckRequest): Promise<mailbox.AckResponse> {
    checkDevice(accountId, deviceId, 'device');
    if (serverGuids.length > MAX_ACK_BATCH) throw invalid(`at most ${MAX_ACK_BATCH} server_guids per call`);
    serverGuids.forEach((guid, index) => checkGuid(guid, `server_guids[${index}]`));
    const deleted = await this.envelopes.delete(accountId, deviceId, serverGuids);
    // Awaited, and its failure returned: an acknowledged envelope must not linger in the cache.
    await this.cache.delete(serverGuids);
    return { deleted };
  }

  /** Drops expired envelopes from PostgreSQL and the cache; returns how many. */
  async sweepExpired(batchSize: number): Promise<number> {
    const guids = await this.envelopes.deleteExpired(this.clock.now(), batchSize);
    await this.cache.delete(guids);
    return guids.length;
  }

  private warn(what: string, error: unknown) {
    this.logger.warn({ err: error }, `${what} failed; PostgreSQL holds the truth regardless`);
  }
}

function checkGuid(guid: Uint8Array, field: string) {
  if (guid.length !== SERVER_GUID_BYTES) throw invalid(`${field} must be ${SERVER_GUID_BYTES} bytes, got ${guid.length}`);
}

function checkDevice(accountId: string, deviceId: number, field: string) {
  if (accountId === '') throw invalid(`${field} account is required`);
  if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > MAX_DEVICE_ID)
    throw invalid(`${field} device must be 1 to ${MAX_DEVICE_ID}`);
}

function invalid(message: string): EnvelopesError {
  return new EnvelopesError(EnvelopesErrorCode.InvalidArgument, message);
}
