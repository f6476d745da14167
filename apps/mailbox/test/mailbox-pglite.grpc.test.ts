import { MemoryBroker } from '@coming/broker';
import { MemoryCache } from '@coming/cache';
import { loadConfig } from '@coming/config';
import { openDatabase } from '@coming/database';
import { callGrpc, createGrpcClient, grpcServices } from '@coming/grpc';
import { createLogger } from '@coming/logging';
import type { mailbox } from '@coming/proto';
import { closeInfrastructure, type Infrastructure, type StartedService } from '@coming/runtime';
import { findFreePorts } from '@coming/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailbox } from '../src/mailbox.app';
import { mailboxConfigSchema } from '../src/mailbox.config';
import { testEnvelope } from './test-envelopes';

const DEADLINE_MS = 10_000;
const RECIPIENT = 'coming1single';

// The single node runs the same SQL on PGlite: holdings, batches and acknowledgements must work there too.
describe('mailbox on PGlite', () => {
  let dataDir: string;
  let infrastructure: Infrastructure;
  let service: StartedService;
  let client: mailbox.MailboxServiceClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mailbox-pglite-'));
    const serviceToken = randomBytes(32).toString('base64url');
    infrastructure = {
      db: await openDatabase({ kind: 'pglite', dataDir }),
      cache: new MemoryCache(),
      broker: new MemoryBroker(),
      logger: createLogger({ service: 'mailbox_pglite', level: 'silent' }),
      serviceToken,
      grpcCallers: { gateway: serviceToken },
    };
    const url = `127.0.0.1:${await findFreePorts(1)}`;
    service = await startMailbox(
      loadConfig(mailboxConfigSchema, {
        MAILBOX_GRPC_URL: url,
        MAILBOX_MAX_ENVELOPES_PER_DEVICE: '3',
        MAILBOX_MAX_ENVELOPES_PER_SENDER: '2',
      }),
      infrastructure,
    );
    client = createGrpcClient(grpcServices.mailbox, { url, serviceToken: infrastructure.serviceToken });
  });

  afterAll(async () => {
    await service.close();
    await closeInfrastructure(infrastructure);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores within the limits, pages, and deletes on acknowledgement', async () => {
    const enqueue = (envelope = testEnvelope({ destinationAccount: RECIPIENT })) => callGrpc(client.enqueue({ envelope }), DEADLINE_MS);
    const first = testEnvelope({ destinationAccount: RECIPIENT });
    const answers = await Promise.all([enqueue(first), enqueue(first), enqueue(), enqueue()]);
    expect(answers.map((answer) => Object.keys(answer).find((key) => key !== 'result'))).toEqual([
      'stored',
      'stored',
      'stored',
      'senderQuotaExceeded',
    ]);
    expect(answers[1]).toMatchObject({ stored: { duplicate: true } });
    expect(await enqueue(testEnvelope({ destinationAccount: RECIPIENT, sourceAccount: 'coming1other' }))).toMatchObject({ stored: {} });
    expect(await enqueue(testEnvelope({ destinationAccount: RECIPIENT, sourceAccount: 'coming1third' }))).toMatchObject({
      mailboxFull: { capacity: 3 },
    });

    const page = await callGrpc(client.fetch({ accountId: RECIPIENT, deviceId: 1, afterSequence: 0, limit: 10 }), DEADLINE_MS);
    expect(page.envelopes).toHaveLength(3);
    const serverGuids = page.envelopes.map((each) => each.envelope!.serverGuid);
    expect(await callGrpc(client.ack({ accountId: RECIPIENT, deviceId: 1, serverGuids }), DEADLINE_MS)).toEqual({ deleted: 3 });
    expect(await enqueue()).toMatchObject({ stored: { duplicate: false } });
  });
});
