// deploy/grafana/isoscope.json is importable dashboard JSON, and every PromQL query in it names
// series the code exports (Metrics, the server's own, the Datadog reporter's), with labels those
// series carry; every exported series is on the dashboard.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram } from 'prom-client';
import { Metrics } from '../src/connectors/metrics.js';
import { datadogCounters } from '../src/connectors/datadog.js';
import { ServeMetrics } from '../src/server/serve-metrics.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'deploy', 'grafana', 'isoscope.json'), 'utf8'));
const panels: Panel[] = (dashboard.panels as Panel[]).flatMap((p) => [p, ...(p.panels ?? [])]);
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

function exported(): Map<string, Set<string>> {
  const metrics = new Metrics({ service: 'serve' });
  new ServeMetrics(metrics.registry);
  datadogCounters(metrics.registry);
  // Series name → the labels it can carry: its own, the default service label, and le on histogram buckets.
  const series = new Map<string, Set<string>>();
  for (const m of metrics.registry.getMetricsAsArray()) {
    const { name, labelNames } = m as unknown as { name: string; labelNames: string[] };
    const labels = new Set(['service', ...labelNames]);
    if ((m as unknown) instanceof Histogram) {
      series.set(`${name}_bucket`, new Set([...labels, 'le']));
      series.set(`${name}_sum`, labels);
      series.set(`${name}_count`, labels);
    } else series.set(name, labels);
  }
  return series;
}

describe('the Grafana dashboard', () => {
  test('is dashboard JSON Grafana can import: a data source variable, unique panel ids, every panel placed', () => {
    expect(dashboard).toMatchObject({ title: expect.any(String), uid: 'isoscope-scoring', schemaVersion: expect.any(Number) });
    const vars = dashboard.templating.list as { name: string; type: string }[];
    expect(vars).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      expect(p.gridPos.w).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(queries.length).toBeGreaterThan(10);
  });

  test('every query names series the code exports, with labels they carry', () => {
    const series = exported();
    for (const { panel, expr } of queries) {
      const names = [...expr.matchAll(/\b(iot_[a-z0-9_]+)/g)].map((m) => m[1]);
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        expect(series.has(name), `${panel}: ${name} is not exported`).toBe(true);
        const labels = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((l) => l.trim()));
        labels.push(...[...expr.matchAll(/[{,]\s*([a-z_]+)\s*=~?/g)].map((m) => m[1]));
        for (const label of labels) expect(series.get(name)!.has(label), `${panel}: ${name} has no label ${label}`).toBe(true);
      }
    }
  });

  test('shows every series the code exports: throughput, anomaly and alarm rates, latency, lag, data quality, retries', () => {
    const used = new Set(
      queries.flatMap(({ expr }) => [...expr.matchAll(/\b(iot_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''))),
    );
    const series = [...exported().keys()].map((s) => s.replace(/_(bucket|sum|count)$/, ''));
    for (const name of new Set(series)) expect(used.has(name), `${name} is on no panel`).toBe(true);
  });
});
