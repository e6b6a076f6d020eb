// Turns public labelled recordings into the files bench:single reads: one CSV per
// recording, a timestamp, the sensor columns and a 0/1 `anomaly` column. The data stays
// outside this repository (size, licences); docs/evaluation.md names the sources.
//   node dist/bench/single-stream-prepare.js [--nab NAB_CHECKOUT] [--batadal BATADAL_dataset04.csv] [--tep TEP_CHECKOUT] --out DIR
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** NAB's realKnownCause recordings of machines; nyc_taxi (demand, not a machine) is left out. */
const NAB_FILES = [
  'machine_temperature_system_failure',
  'ambient_temperature_system_failure',
  'cpu_utilization_asg_misconfiguration',
  'ec2_request_latency_system_failure',
  'rogue_agent_key_hold',
  'rogue_agent_key_updown',
];

function nab(root: string, out: string): void {
  const windows = JSON.parse(readFileSync(join(root, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  for (const name of NAB_FILES) {
    const lines = readFileSync(join(root, 'data', 'realKnownCause', `${name}.csv`), 'utf8')
      .trim()
      .split(/\r?\n/);
    const spans = windows[`realKnownCause/${name}.csv`].map(([a, b]) => [Date.parse(`${a}Z`), Date.parse(`${b}Z`)]);
    const rows = lines.slice(1).map((line) => {
      const [ts, value] = line.split(',');
      const t = Date.parse(`${ts.replace(' ', 'T')}Z`);
      return `${ts},${value},${spans.some(([a, b]) => t >= a && t <= b) ? 1 : 0}`;
    });
    writeFileSync(join(out, `nab-${name}.csv`), ['timestamp,value,anomaly', ...rows].join('\n') + '\n');
  }
}

/** BATADAL's dataset04 (hourly, dd/mm/yy hh): ATT_FLAG becomes `anomaly`, the time an ISO timestamp. */
function batadal(file: string, out: string): void {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',').map((c) => c.trim());
  const rows = lines.slice(1).map((line) => {
    const cells = line.split(',');
    const [d, m, y, h] = cells[0].trim().split(/[/ ]/);
    const flag = Number(cells[cells.length - 1]) === 1 ? 1 : 0;
    return [`20${y}-${m}-${d} ${h}:00:00`, ...cells.slice(1, -1), flag].join(',');
  });
  writeFileSync(
    join(out, 'batadal-dataset04.csv'),
    [['timestamp', ...header.slice(1, -1), 'anomaly'].join(','), ...rows].join('\n') + '\n',
  );
}

/** Whitespace-separated numbers, one reading per line: Braatz's .dat files. */
function readDat(file: string): number[][] {
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/).map(Number));
}

const TEP_NAMES = [...Array.from({ length: 41 }, (_, i) => `XMEAS${i + 1}`), ...Array.from({ length: 11 }, (_, i) => `XMV${i + 1}`)];
const TEP_PERIOD_MS = 3 * 60_000;

/**
 * Tennessee Eastman (Braatz's files): the normal run d00.dat (500 readings, stored as 52 rows of
 * 500) followed by the fault run dNN_te.dat (960 readings, the fault from reading 160 on), every
 * 3 minutes. A test bench's shape: a healthy stretch, then a sustained fault to the end.
 */
function tep(root: string, out: string): void {
  const stored = readDat(join(root, 'd00.dat'));
  const normal = stored.length === TEP_NAMES.length ? stored[0].map((_, i) => stored.map((row) => row[i])) : stored;
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  for (let fault = 1; fault <= 21; fault++) {
    const id = String(fault).padStart(2, '0');
    const run = [...normal, ...readDat(join(root, `d${id}_te.dat`))];
    const faultFrom = normal.length + 160;
    const rows = run.map((x, i) => [new Date(t0 + i * TEP_PERIOD_MS).toISOString(), ...x, i >= faultFrom ? 1 : 0].join(','));
    writeFileSync(join(out, `tep-fault${id}.csv`), [['timestamp', ...TEP_NAMES, 'anomaly'].join(','), ...rows].join('\n') + '\n');
  }
}

const { values } = parseArgs({
  options: { nab: { type: 'string' }, batadal: { type: 'string' }, tep: { type: 'string' }, out: { type: 'string' } },
});
if (!values.out || (!values.nab && !values.batadal && !values.tep)) {
  console.error('usage: single-stream-prepare [--nab NAB_CHECKOUT] [--batadal BATADAL_dataset04.csv] [--tep TEP_CHECKOUT] --out DIR');
  process.exit(2);
}
mkdirSync(values.out, { recursive: true });
if (values.nab) nab(values.nab, values.out);
if (values.batadal) batadal(values.batadal, values.out);
if (values.tep) tep(values.tep, values.out);
console.log(`wrote the recordings to ${values.out}`);
