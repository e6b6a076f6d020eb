// Turns public labelled recordings into the files bench:single reads: one CSV per
// recording, a timestamp, the sensor columns and a 0/1 `anomaly` column. The data stays
// outside this repository (size, licences); docs/evaluation.md names the sources.
//   node dist/bench/single-stream-prepare.js --nab NAB_CHECKOUT [--batadal BATADAL_dataset04.csv] --out DIR
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

const { values } = parseArgs({ options: { nab: { type: 'string' }, batadal: { type: 'string' }, out: { type: 'string' } } });
if (!values.out || (!values.nab && !values.batadal)) {
  console.error('usage: single-stream-prepare --nab NAB_CHECKOUT [--batadal BATADAL_dataset04.csv] --out DIR');
  process.exit(2);
}
mkdirSync(values.out, { recursive: true });
if (values.nab) nab(values.nab, values.out);
if (values.batadal) batadal(values.batadal, values.out);
console.log(`wrote the recordings to ${values.out}`);
