import { RedisCache } from '@coming/cache';
import { loadConfig } from '@coming/config';
import { callGrpc, createGrpcClient, grpcServices } from '@coming/grpc';
import type { mailbox } from '@coming/proto';
import type { StartedService } from '@coming/runtime';
import { createTestInfrastructure, eventually, findFreePorts, type TestInfrastructure } from '@coming/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailbox } from '../src/mailbox.app';
import { mailboxConfigSchema } from '../src/mailbox.config';
import { testEnvelope } from './test-envelopes';

const DEADLINE_MS = 5_000;
const RECIPIENT = 'coming1offline';

/** A Redis of the test's own, so that it can be killed without disturbing anyone else. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await new Promise<void>((resolve, reject) => {
    redis.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    redis.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
  });
  return redis;
}

describe('mailbox with Redis gone', () => {
  let infrastructure: TestInfrastructure;
  let redis: ChildProcess;
  let cache: RedisCache;
  let service: StartedService;
  let client: mailbox.MailboxServiceClient;

  beforeAll(async () => {
    infrastructure = await createTestInfrastructure('mailbox_without_redis');
    const [redisPort, grpcPort] = [await findFreePorts(1), await findFreePorts(1)];
    redis = await startRedis(redisPort);
    cache = RedisCache.connect({ url: `redis://127.0.0.1:${redisPort}`, keyPrefix: infrastructure.backends.redisKeyPrefix });
    await eventually(
      () =>
        cache.ping().then(
          () => true,
          () => false,
        ),
      'the cache to connect',
    );
    const url = `127.0.0.1:${grpcPort}`;
    service = await startMailbox(loadConfig(mailboxConfigSchema, { MAILBOX_GRPC_URL: url }), { ...infrastructure, cache });
    client = createGrpcClient(grpcServices.mailbox, { url, serviceToken: infrastructure.serviceToken });
    const exited = once(redis, 'exit');
    redis.kill('SIGKILL');
    await exited;
  });

  afterAll(async () => {
    await service.close();
    await cache.close().catch(() => undefined);
    await infrastructure.release();
  });

  it('stores, serves and deletes envelopes from PostgreSQL alone', async () => {
    await expect(cache.ping()).rejects.toThrow();
    const sent = [testEnvelope({ destinationAccount: RECIPIENT }), testEnvelope({ destinationAccount: RECIPIENT })];
    for (const each of sent) expect(await callGrpc(client.enqueue({ envelope: each }), DEADLINE_MS)).toMatchObject({ stored: {} });

    const page = await callGrpc(client.fetch({ accountId: RECIPIENT, deviceId: 1, afterSequence: 0, limit: 10 }), DEADLINE_MS);
    expect(page.envelopes.map((each) => Buffer.from(each.envelope?.content ?? []))).toEqual(sent.map((each) => Buffer.from(each.content)));

    const serverGuids = sent.map((each) => each.serverGuid);
    expect(await callGrpc(client.ack({ accountId: RECIPIENT, deviceId: 1, serverGuids }), DEADLINE_MS)).toEqual({ deleted: 2 });
    const after = await callGrpc(client.fetch({ accountId: RECIPIENT, deviceId: 1, afterSequence: 0, limit: 10 }), DEADLINE_MS);
    expect(after.envelopes).toEqual([]);
  });
});
