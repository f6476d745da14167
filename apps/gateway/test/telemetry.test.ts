import type { ComingClient } from '@coming/client';
import type { ServiceProcess } from '@coming/stack';
import type { SpanRecord } from '@coming/telemetry';
import { collectMessages, eventually, registeredClient, startTestStack, type TestStack } from '@coming/testing';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SENDS_PER_MINUTE = 2;

describe('telemetry', () => {
  let stack: TestStack;
  const clients: ComingClient[] = [];

  const client = async () => {
    const created = await registeredClient(stack.gatewayUrl(0));
    clients.push(created);
    return created;
  };

  const spans = async (): Promise<SpanRecord[]> => {
    const files = (await readdir(stack.logDir)).filter((file) => file.endsWith('.spans.jsonl'));
    const contents = await Promise.all(files.map((file) => readFile(join(stack.logDir, file), 'utf8')));
    return contents.flatMap((text) =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as SpanRecord),
    );
  };

  // Stands in for an OpenTelemetry collector's OTLP/HTTP logs endpoint.
  const exportedLogs: string[] = [];
  const collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/logs') exportedLogs.push(body);
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });

  beforeAll(async () => {
    await new Promise<void>((listening) => collector.listen(0, '127.0.0.1', listening));
    const { port } = collector.address() as AddressInfo;
    stack = await startTestStack('telemetry', {
      traced: true,
      // A NATS of the stack's own, with a user and subject permissions per service: every
      // flow below also shows that the services work within their permissions.
      ownNats: true,
      env: {
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=telemetry-test',
        // Low limits, so that a little traffic also exercises the rate-limit and low-prekey counters.
        GATEWAY_SENDS_PER_DEVICE_PER_MINUTE: String(SENDS_PER_MINUTE),
        KEYS_LOW_WATER_MARK: '100',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `http://127.0.0.1:${port}/v1/logs`,
        OTEL_BLRP_SCHEDULE_DELAY: '200',
      },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
    await stack.release();
    collector.close();
  });

  it('exports log records over OTLP, named by service', async () => {
    await eventually(() => exportedLogs.some((body) => body.includes('gateway ready')), 'the gateway to export its boot log');
    const gatewayLogs = exportedLogs.find((body) => body.includes('gateway ready')) ?? '';
    expect(gatewayLogs).toContain('service.name');
    expect(gatewayLogs).toContain('gateway');
  });

  it('follows one message to an offline device in one trace: frame, NATS, gRPC to mailbox, PostgreSQL INSERT', async () => {
    const alice = await client();
    const bob = await client();

    await alice.send(bob.accountId, 'traced');

    let trace: SpanRecord[] = [];
    let insert: SpanRecord | undefined;
    await eventually(async () => {
      const all = await spans();
      const frame = all.find((span) => span.service === 'gateway' && span.name === 'frame send_message');
      trace = all.filter((span) => span.traceId === frame?.traceId);
      insert = trace.find((span) => span.service === 'mailbox' && span.name.startsWith('pg.query:INSERT'));
      return insert !== undefined;
    }, 'the INSERT span of the send');

    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const ancestry = (span: SpanRecord): SpanRecord[] => {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      return parent === undefined ? [span] : [span, ...ancestry(parent)];
    };

    // The INSERT descends, span by span, from the mailbox's gRPC server span, the gateway's gRPC call and the frame.
    const chain = ancestry(insert!).map((span) => `${span.service}: ${span.name}`);
    expect(chain.at(-1)).toBe('gateway: frame send_message');
    expect(chain).toContain('mailbox: grpc.coming.mailbox.v1.MailboxService/Enqueue');
    expect(chain).toContain('gateway: grpc.coming.mailbox.v1.MailboxService/Enqueue');

    // The live offer went out over NATS as a request within the same trace, under the frame,
    // named by its subject pattern, and nobody answering it (Bob is offline) is no error.
    const natsRequest = trace.find((span) => span.attributes['messaging.system'] === 'nats' && span.name === 'request');
    expect(natsRequest?.attributes['messaging.destination.name']).toBe(`${stack.backends.natsSubjectPrefix}.device.*.*.deliver`);
    expect(ancestry(natsRequest!).at(-1)?.name).toBe('frame send_message');
    expect(
      trace.filter((span) => span.status.code === (SpanStatusCode.ERROR as number)).map((span) => `${span.service}: ${span.name}`),
    ).toEqual([]);
  });

  it('exports no account ID in any span, and names HTTP spans by route', async () => {
    const alice = await client();
    const bob = await client();
    await alice.send(bob.accountId, 'metadata stays home');
    let all: SpanRecord[] = [];
    await eventually(async () => {
      all = await spans();
      return all.some((span) => span.service === 'mailbox' && span.name.startsWith('pg.query:INSERT'));
    }, 'the spans of a send');

    const exported = JSON.stringify(all);
    for (const accountId of [alice.accountId, bob.accountId]) expect(exported).not.toContain(accountId);
    const names = new Set(all.filter((span) => span.service === 'gateway').map((span) => span.name));
    expect(names).toContain('POST /v1/auth/challenge');
    expect(names).toContain('POST /v1/auth/login');
    expect(names).not.toContain('POST');
  });

  it("serves each service's metrics in Prometheus format at /metrics", async () => {
    const alice = await client();
    const bob = await client();
    const received = collectMessages(bob);
    await alice.send(bob.accountId, 'stored, then delivered');
    await bob.connect();
    await eventually(() => received.length === 1, 'the stored message');
    await alice.send(bob.accountId, 'live');
    await expect(alice.send(bob.accountId, 'one too many', { deadlineMs: 500 })).rejects.toThrow();
    await eventually(() => received.length === 2, 'the live message');

    // Every service serves /metrics on its health port, the one its readiness probe answers on.
    const scrape = async (service: ServiceProcess) => {
      const response = await fetch(new URL('/metrics', service.options.readyUrl));
      expect(response.status).toBe(200);
      return response.text();
    };
    const expected: Record<string, [ServiceProcess, string[]]> = {
      gateway: [
        stack.gateways[0]!,
        [
          'coming_gateway_connections',
          'coming_gateway_frames_received_total',
          'coming_gateway_frames_sent_total',
          'coming_gateway_deliveries_total',
          'coming_gateway_delivery_duration_bucket',
          'coming_rate_limit_rejections_total',
        ],
      ],
      mailbox: [stack.mailbox, ['coming_mailbox_depth', 'coming_mailbox_oldest_age']],
      keys: [stack.keys, ['coming_keys_pre_keys_low_total']],
      auth: [stack.auth, ['coming_auth_logins_total']],
      payments: [stack.payments, ['target_info']],
    };
    for (const [name, [service, names]] of Object.entries(expected)) {
      const text = await scrape(service);
      for (const metric of names) expect(text, `${name} serves ${metric}`).toContain(metric);
      // Node's runtime, and the resource attributes of OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
      for (const metric of ['nodejs_eventloop_delay', 'v8js_memory_heap_used', 'v8js_gc_duration']) {
        expect(text, `${name} serves ${metric}`).toContain(metric);
      }
      expect(text).toMatch(new RegExp(`target_info\\{[^}]*service_name="${name}"`));
      expect(text).toMatch(/target_info\{[^}]*deployment_environment_name="telemetry-test"/);
    }
  });

  it('serves no metrics on the client port, only on the health port', async () => {
    const clientPort = new URL(stack.gatewayUrl(0)).port;
    const response = await fetch(`http://127.0.0.1:${clientPort}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('coming_gateway_connections');
  });

  it('counts from zero: counters of events that never happened are exported with their known labels', async () => {
    const scrape = async (service: ServiceProcess) => (await fetch(new URL('/metrics', service.options.readyUrl))).text();
    // No delivery failed and no device was refused for too many devices in this run.
    expect(await scrape(stack.gateways[0]!)).toMatch(/coming_gateway_deliveries_total\{[^}]*outcome="failed"[^}]*\} 0/);
    expect(await scrape(stack.auth)).toMatch(/coming_auth_logins_total\{[^}]*reason="tooManyDevices"[^}]*\} 0/);
  });

  it('ships dashboards whose queries use only metrics the services export', async () => {
    const exported = new Set<string>();
    for (const service of [stack.auth, stack.mailbox, stack.keys, stack.payments, ...stack.gateways]) {
      const text = await (await fetch(new URL('/metrics', service.options.readyUrl))).text();
      for (const line of text.split('\n')) if (/^[a-z]/.test(line)) exported.add(line.split(/[{ ]/)[0]!);
    }
    const dashboards = join(__dirname, '..', '..', '..', 'deploy', 'helm', 'coming', 'dashboards');
    const files = await readdir(dashboards);
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const dashboard = JSON.parse(await readFile(join(dashboards, file), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
      const used = dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap((target) => target.expr.match(/\b(?:coming_[a-z_]+|target_info)\b/g) ?? []),
      );
      expect(used.length, `${file} queries metrics`).toBeGreaterThan(0);
      for (const metric of used) expect(exported.has(metric), `${file} uses ${metric}, which no service exports`).toBe(true);
    }
  });
});
