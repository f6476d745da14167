// The Payments dashboard and the chart's alerts name Prometheus series; this checks those
// names against what the payments service's instruments export through the same exporter
// the services serve /metrics with, so that a renamed instrument cannot leave a panel or an
// alert silently empty. (apps/gateway/test/telemetry.test.ts checks every dashboard against
// a running stack; this one needs no stack and covers the alerts too.)
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentsMetrics } from '../../apps/payments/src/payments.metrics';
import type { PaymentsDatabase } from '../../apps/payments/src/payments.database';
import { PaymentStatusesRepository } from '../../apps/payments/src/statuses/payment-statuses.repository';
import { StatesGauge } from '../../apps/payments/src/statuses/states.gauge';

const DEPLOY_DIR = process.env['COMING_DEPLOY_DIR'] ?? join(__dirname, '..');
const CHART_DIR = join(DEPLOY_DIR, 'helm', 'coming');

/** Names of Coming's own series in a dashboard's or a rule file's queries. */
function comingMetricsIn(text: string): string[] {
  return [...new Set(text.match(/\bcoming_[a-z_]+\b/g) ?? [])];
}

describe('Payments dashboard and alerts', () => {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  let server: Server;
  let exported: Set<string>;

  beforeAll(async () => {
    metrics.setGlobalMeterProvider(provider);
    const paymentsMetrics = new PaymentsMetrics();
    // The relayer's balance is observed once the follower has read it; 0.05 coins is below the default threshold.
    paymentsMetrics.setRelayerBalance(5n * 10n ** 16n, 10n ** 17n);
    // The gauge's counts come from PostgreSQL; only its series' name matters here, so the
    // real repository runs on Kysely's driver that answers every query with no rows.
    const noRows = new Kysely<PaymentsDatabase>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    new StatesGauge(new PaymentStatusesRepository(noRows));
    server = createServer((request, response) => exporter.getMetricsRequestHandler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    exported = new Set(text.split('\n').flatMap((line) => (/^[a-z]/.test(line) ? [line.split(/[{ ]/)[0] ?? ''] : [])));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await provider.shutdown();
    metrics.disable();
  });

  it('exports the X-BTC relay, fee and relayer gas series', () => {
    expect([...exported].filter((name) => name.startsWith('coming_payments_xbtc_')).sort()).toEqual([
      'coming_payments_xbtc_fees_total',
      'coming_payments_xbtc_relayer_balance',
      'coming_payments_xbtc_relayer_gas_low',
      'coming_payments_xbtc_relays_total',
    ]);
  });

  it('plots only series that payments exports, the X-BTC ones included', () => {
    const used = comingMetricsIn(readFileSync(join(CHART_DIR, 'dashboards', 'payments.json'), 'utf8'));
    expect(
      used.filter((name) => !exported.has(name)),
      'queried but not exported',
    ).toEqual([]);
    expect(used).toEqual(
      expect.arrayContaining([
        'coming_payments_xbtc_relayer_balance',
        'coming_payments_xbtc_relays_total',
        'coming_payments_xbtc_fees_total',
      ]),
    );
  });

  it('alerts on the relayer gas-low flag that payments exports', () => {
    const rule = readFileSync(join(CHART_DIR, 'templates', 'prometheusrule.yaml'), 'utf8');
    const used = comingMetricsIn(rule);
    expect(
      used.filter((name) => !exported.has(name)),
      'queried but not exported',
    ).toEqual([]);
    expect(rule).toMatch(/- alert: ComingXbtcRelayerGasLow\n\s*expr: [^\n]*coming_payments_xbtc_relayer_gas_low\{[^\n]*\) == 1\n/);
  });
});
