import { profileDataset } from '../data/profile.js';
import { parse, oneFile } from './args.js';
import { readDataset } from './files.js';
import { formatNumber, renderTable } from './table.js';

export const PROFILE_USAGE = 'isoscope profile <file> [--rul RUL_file] [--entry name-in-zip] [--json]';

export function profileCommand(argv: string[], out: (s: string) => void): void {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, rul: { type: 'string' }, entry: { type: 'string' } },
    PROFILE_USAGE,
  );
  if (values.help) return out(PROFILE_USAGE);
  const ds = readDataset(oneFile(positionals, PROFILE_USAGE), { rul: values.rul, entry: values.entry });
  const profile = profileDataset(ds);
  if (values.json) return out(JSON.stringify({ name: ds.name, format: ds.format, notes: ds.notes, ...profile }, null, 2));
  const rows = profile.columns.map((c) => [
    c.name,
    c.role,
    String(c.count),
    String(c.missing + c.nonNumeric),
    formatNumber(c.min),
    formatNumber(c.max),
    formatNumber(c.mean),
    formatNumber(c.std),
    c.distinct >= 10000 ? '10000+' : String(c.distinct),
    [c.constant && 'constant', c.nearConstant && 'near-constant', c.flatLined && `flat ${c.longestFlatRun}`].filter(Boolean).join(',') ||
      '-',
    c.feature ? 'yes' : 'no',
    c.reason,
  ]);
  out(`${ds.name}: ${ds.format}, ${profile.rows} rows, ${profile.units} units, ${profile.columns.length} columns`);
  ds.notes.forEach((n) => out(`note: ${n}`));
  out(renderTable(['column', 'role', 'count', 'missing', 'min', 'max', 'mean', 'std', 'distinct', 'flags', 'feature', 'why'], rows));
}
