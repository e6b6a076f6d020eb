import { describe, expect, it } from 'vitest';
import { legendPlaces, wrapped, type LegendItem } from '../src/app/chart-legend.js';

const chars = (t: string) => 7 * t.length; // a monospaced stand-in for the canvas's measure
const item = (label: string): LegendItem => ({ label, color: '#000', kind: 'line' });

describe('chart PNG legend and subtitle', () => {
  it('wraps legend entries that would pass the width onto a new row, each row within it', () => {
    const items = ['anomaly score', 'over the threshold', 'threshold', 'in alarm', 'selected reading', 'labelled anomalous'].map(item);
    const width = 600;
    const places = legendPlaces(items, width, 1, chars);
    expect(places.map((p) => p.row)).toEqual([0, 0, 0, 0, 1, 1]);
    for (const p of places) expect(p.x + 24 + chars(p.item.label)).toBeLessThanOrEqual(width);
    expect(places[4].x).toBe(0);
  });

  it('keeps one row when it fits, and an entry wider than the width alone on its row', () => {
    expect(legendPlaces([item('a'), item('b')], 600, 2, chars).map((p) => p.row)).toEqual([0, 0]);
    expect(legendPlaces([item('x'.repeat(200)), item('b')], 600, 1, chars).map((p) => [p.x, p.row])).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('breaks a long subtitle after a separator, never within a part', () => {
    const text = 'compressors.csv · unit C-03 · model iso-ae0d58d4c2f3-s42 · threshold 0.606 (contamination 0.20%) · alarm 5 of 8';
    const lines = wrapped(text, 400, chars);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(chars(l)).toBeLessThanOrEqual(400);
    expect(lines.join(' ')).toBe(text);
    expect(wrapped(text, 10_000, chars)).toEqual([text]);
  });
});
