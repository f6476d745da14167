import type { SelfTimeRow } from '../measure/cpu-profile';
import type { ComparisonFigures, Figure } from './bench-figures';

export interface DeliveryCheck {
  sent: number;
  acked: number;
  delivered: number;
  lost: number;
  duplicatesShown: number;
  redeliveries: number;
}

export interface TargetReport {
  figures: ComparisonFigures;
  coming: DeliveryCheck;
  baseline: DeliveryCheck;
  profile?: { process: string; file: string; topSelfTime: SelfTimeRow[] };
}

const ROWS: [string, keyof ComparisonFigures, number][] = [
  ['live saturation (msg/s)', 'saturation', 0],
  ['server CPU per delivered message (µs)', 'cpuPerMessageMicros', 0],
  ['latency p50 (ms)', 'latencyP50Ms', 2],
  ['latency p99 (ms)', 'latencyP99Ms', 2],
  ['latency p99.9 (ms)', 'latencyP999Ms', 2],
  ['offline store (msg/s)', 'offlineStoreRate', 0],
  ['offline drain to one device (msg/s)', 'offlineDrainRate', 0],
  ['RSS per idle connection (KiB)', 'memoryPerConnectionKiB', 1],
  ['logins per second', 'loginsPerSecond', 0],
];

/** The human table for one Coming target against the relay. */
export function comparisonTable(label: string, report: TargetReport): string {
  const { figures } = report;
  const lines = [
    `Coming ${label} vs the baseline relay (ratio = Coming ÷ relay; latency at ${figures.latencyRate} msg/s, ` +
      `${figures.latencySamples.coming}/${figures.latencySamples.baseline} samples; memory at ${figures.idleConnections} connections)`,
    row('figure', 'Coming', 'relay', 'ratio'),
    row('-'.repeat(40), '-'.repeat(10), '-'.repeat(10), '-'.repeat(7)),
  ];
  for (const [name, key, digits] of ROWS) {
    const value = figures[key] as Figure;
    lines.push(row(name, value.coming.toFixed(digits), value.baseline.toFixed(digits), value.ratio.toFixed(3)));
  }
  for (const [side, check] of [
    ['Coming', report.coming],
    ['relay', report.baseline],
  ] as const) {
    lines.push(
      `${side}: sent ${check.sent}, acked ${check.acked}, delivered ${check.delivered}, lost ${check.lost}, ` +
        `duplicates shown ${check.duplicatesShown}, redeliveries ${check.redeliveries}`,
    );
  }
  if (report.profile !== undefined) {
    lines.push('', `CPU profile of ${report.profile.process} at saturation (${report.profile.file}), top self time:`);
    for (const each of report.profile.topSelfTime) {
      lines.push(`  ${each.selfPercent.toFixed(1).padStart(5)} %  ${each.function}  ${each.location}`);
    }
  }
  return lines.join('\n');
}

function row(name: string, coming: string, baseline: string, ratio: string): string {
  return `${name.padEnd(40)} ${coming.padStart(10)} ${baseline.padStart(10)} ${ratio.padStart(7)}`;
}
