// A single machine's baseline shorter than a day of a recording that runs for days is warned
// about; a fleet, a series without timestamps, or a baseline of a whole day is not.
import { describe, expect, test } from 'vitest';
import { csvDataset } from './helpers.js';
import { shortBaselineWords } from '../src/data/baseline-span.js';
import { parseBaseline } from '../src/data/baseline.js';

/** Readings every 5 minutes for `days`, with an optional unit column. */
function recording(days: number, units = false): string {
  const lines = [units ? 'time,machine,temp' : 'time,temp'];
  for (let i = 0; i < (days * 24 * 60) / 5; i++) {
    const at = new Date(Date.UTC(2024, 4, 1) + i * 300_000).toISOString();
    lines.push(units ? `${at},m${i % 2},${40 + Math.sin(i / 40)}` : `${at},${40 + Math.sin(i / 40)}`);
  }
  return lines.join('\n') + '\n';
}

describe('a baseline shorter than a day', () => {
  test('is named with its span and the recording’s, and what to give instead', () => {
    const said = shortBaselineWords(csvDataset(recording(3)), parseBaseline('first:30%'));
    expect(said).toBe(
      "the healthy readings span 21.5 h of the recording's 3.0 days: if the machine follows a daily cycle (load, shifts, ambient temperature), hours of the day they do not cover will look anomalous or hide a fault; give a baseline that covers at least one whole day (--baseline first:N)",
    );
  });

  test('is not warned about when it covers a day, when the recording is shorter than a day, for a fleet, or without timestamps', () => {
    expect(shortBaselineWords(csvDataset(recording(3)), parseBaseline('first:50%'))).toBeUndefined();
    expect(shortBaselineWords(csvDataset(recording(0.5)), parseBaseline('first:30%'))).toBeUndefined();
    expect(shortBaselineWords(csvDataset(recording(3, true)), parseBaseline('first:30%'))).toBeUndefined();
    const [header, ...rows] = recording(3).trim().split('\n');
    const counted = [header.replace('time', 'cycle'), ...rows.map((r, i) => r.replace(/^[^,]+/, String(i + 1)))].join('\n');
    expect(shortBaselineWords(csvDataset(counted), parseBaseline('first:30%'))).toBeUndefined();
  });
});
