// Property tests of the readers on generated and mutated files: whatever the bytes,
// a read gives a dataset or a DataError with a one-line message naming the file,
// in bounded time, and the same answer whether the bytes come whole, in random
// chunks or one at a time, plain, gzipped or zipped.
import fc from 'fast-check';
import { gzipSync, zipSync } from 'fflate';
import Papa from 'papaparse';
import { describe, expect, test } from 'vitest';
import { FieldSplitter } from '../src/data/csv-fields.js';
import { DataError, type Dataset } from '../src/data/dataset.js';
import { ingestFiles } from '../src/data/ingest.js';
import { chunksOf, parseBytes, parseChunks } from '../src/data/text-ingest.js';

type Outcome = { dataset: Dataset } | { error: string };

const encode = (s: string) => new TextEncoder().encode(s);

/** Runs a read, failing the property on anything but a DataError, a multi-line message or a slow read. */
function outcome(name: string, read: () => Dataset): Outcome {
  const t0 = performance.now();
  try {
    return { dataset: read() };
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    expect(e.message).not.toMatch(/[\r\n]/);
    expect(e.message.length).toBeLessThan(400);
    expect(e.message).toContain(name);
    return { error: e.message };
  } finally {
    expect(performance.now() - t0).toBeLessThan(2000);
  }
}

const inChunks = (name: string, bytes: Uint8Array, sizes: number[]): Dataset => parseChunks(name, chunksOf(bytes, sizes));

/** One-shot, 1-byte and random chunks all agree; returns the one-shot outcome. */
function sameInAnyChunks(name: string, bytes: Uint8Array, sizes: number[]): Outcome {
  const whole = outcome(name, () => parseBytes({ name, bytes }));
  expect(outcome(name, () => inChunks(name, bytes, sizes))).toEqual(whole);
  if (bytes.length <= 4096) expect(outcome(name, () => inChunks(name, bytes, [1]))).toEqual(whole);
  return whole;
}

// ---- generators ----

const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: 0, max: 6 })).map(([v, k]) => (v / 7).toFixed(k)),
  fc.constantFrom('1e999', '-0', '.5', '5.', '+3', '007', '1E-5'),
);
const text = fc.constantFrom('', 'NaN', 'n/a', '?', 'foo', 'engine-1', '2024-01-01 00:00:00', '2024-01-01T00:01:00Z', ' 7 ', 'é€', '1.2.3');
const quoted = fc.string({ unit: fc.constantFrom('a', '1', ',', ';', '\t', '|', '"', '\r', '\n', ' '), maxLength: 8 });

function csvCell(d: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 6, arbitrary: number },
      { weight: 2, arbitrary: text },
      { weight: 2, arbitrary: quoted.map((q) => `"${q.replaceAll('"', '""')}"`) },
    )
    .map((c) => (c.includes(d) && !c.startsWith('"') ? `"${c}"` : c));
}

const csvText = fc
  .record({
    d: fc.constantFrom(',', ';', '\t', '|'),
    eol: fc.constantFrom('\n', '\r\n', '\r', 'mixed'),
    width: fc.integer({ min: 1, max: 5 }),
    rows: fc.integer({ min: 0, max: 12 }),
    header: fc.boolean(),
    bom: fc.boolean(),
    trailing: fc.boolean(),
    repeat: fc.constantFrom(1, 1, 1, 1, 1, 1, 1, 1, 400),
    seed: fc.integer(),
  })
  .chain((o) =>
    fc.array(fc.array(csvCell(o.d), { minLength: o.width, maxLength: o.width }), { minLength: o.rows, maxLength: o.rows }).map((rows) => {
      const eols = ['\n', '\r\n', '\r'];
      const lines = rows.map((r) => r.join(o.d));
      if (o.header) lines.unshift(Array.from({ length: o.width }, (_, i) => ['unit', 'time', 'x', 'anomaly', 'label'][i]).join(o.d));
      let body = '';
      for (let k = 0; k < o.repeat; k++) {
        lines.forEach((l, i) => (body += l + (o.eol === 'mixed' ? eols[(i + k + o.seed) % 3] : o.eol)));
      }
      if (!o.trailing) body = body.replace(/(\r\n|\r|\n)$/, '');
      return (o.bom ? '\uFEFF' : '') + body;
    }),
  );

const cmapssText = fc
  .record({
    lines: fc.array(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 24, maxLength: 24 }), {
      minLength: 1,
      maxLength: 8,
    }),
    eol: fc.constantFrom('\n', '\r\n'),
    sep: fc.constantFrom(' ', '  ', '\t'),
    digits: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ lines, eol, sep, digits }) =>
    lines.map((v, i) => [String(1 + (i >> 2)), String(i + 1), ...v.map((x) => x.toFixed(digits))].join(sep) + ' ' + eol).join(''),
  );

const snippet = fc.oneof(
  fc.constantFrom('"', ',', ';', '\t', '|', '\r', '\n', '\r\n', ' ', '0', '9', '.', '-', 'e', 'NaN', '\uFEFF', 'é', '\u2028', '""'),
  fc.constantFrom('\u0000', '\x1f\x8b', 'PK\x03\x04', '1'.repeat(300), '"'.repeat(50), ','.repeat(40)),
);
const edit = fc.record({
  at: fc.nat(),
  cut: fc.integer({ min: 0, max: 3 }),
  insert: fc.oneof(snippet.map(encode), fc.uint8Array({ minLength: 1, maxLength: 4 })),
});

/** The text with a few byte-level edits: deletions, insertions of syntax, junk and invalid UTF-8. */
function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(base, fc.array(edit, { maxLength: 4 })).map(([t, edits]) => {
    let b = encode(t);
    for (const e of edits) {
      const at = b.length ? e.at % (b.length + 1) : 0;
      const out = new Uint8Array(b.length - Math.min(e.cut, b.length - at) + e.insert.length);
      out.set(b.subarray(0, at));
      out.set(e.insert, at);
      out.set(b.subarray(at + e.cut), at + e.insert.length);
      b = out;
    }
    return b;
  });
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 6 });

// ---- properties ----

describe('readers on generated and mutated files', () => {
  test('mutated CSV: a dataset or a clear DataError, the same in any chunks', () => {
    fc.assert(
      fc.property(mutated(csvText), chunkSizes, (bytes, sizes) => {
        sameInAnyChunks('data.csv', bytes, sizes);
      }),
      { numRuns: 1200 },
    );
  });

  test('mutated C-MAPSS text: a dataset or a clear DataError, the same in any chunks', () => {
    fc.assert(
      fc.property(mutated(cmapssText), chunkSizes, (bytes, sizes) => {
        sameInAnyChunks('train_FD001.txt', bytes, sizes);
      }),
      { numRuns: 800 },
    );
  });

  test('gzip and zip are transparent; damaged wrappers are clear DataErrors', () => {
    const wrapped = fc.record({
      bytes: mutated(fc.oneof(csvText, cmapssText)),
      damage: fc.option(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() })),
      sizes: chunkSizes,
    });
    fc.assert(
      fc.property(wrapped, ({ bytes, damage, sizes }) => {
        const plain = outcome('data.txt', () => ingestFiles([{ name: 'data.txt', bytes }]));
        let gz = gzipSync(bytes);
        let zip = zipSync({ 'dir/data.txt': bytes, 'readme.md': encode('x') });
        if (damage) {
          for (const w of [gz, zip]) w[damage.at % w.length] = damage.byte;
          if (damage.cut) [gz, zip] = [gz.subarray(0, damage.at % gz.length), zip.subarray(0, damage.at % zip.length)];
        }
        const viaGz = sameInAnyChunks('data.txt', gz, sizes);
        const viaZip = outcome('data.zip', () => ingestFiles([{ name: 'data.zip', bytes: zip }]));
        // Text that itself starts like a gzip or zip is read as one when plain, as text when wrapped.
        const magic = (bytes[0] === 0x1f && bytes[1] === 0x8b) || (bytes[0] === 0x50 && bytes[1] === 0x4b);
        if (!damage && !magic) {
          expect(outcome('data.txt', () => ingestFiles([{ name: 'data.txt', bytes: gz }]))).toEqual(plain);
          if ('error' in plain) expect(viaZip).toEqual({ error: `data.zip: ${plain.error}` });
          else expect(viaZip).toEqual(plain);
        } else if ('error' in viaGz) {
          expect(viaGz.error).toMatch(/^data.txt[,:] /);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('well-formed CSV splits into the fields PapaParse finds', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', ',', ';', '"', '\r', '\n'), maxLength: 6 });
    const file = fc.record({
      d: fc.constantFrom(',', ';'),
      eol: fc.constantFrom('\n', '\r\n'),
      rows: fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      quoteAll: fc.boolean(),
    });
    fc.assert(
      fc.property(file, chunkSizes, ({ d, eol, rows, quoteAll }, sizes) => {
        const quote = (f: string) => (quoteAll || /[",;\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
        const text = rows.map((r) => r.map(quote).join(d)).join(eol);
        const fields: string[][] = [];
        let row: string[] = [];
        const splitter = new FieldSplitter(d, {
          field: (f) => row.push(f),
          endRecord: () => {
            fields.push(row);
            row = [];
          },
          where: () => 'test.csv',
        });
        for (let at = 0, k = 0; at < text.length; k++) {
          const n = 1 + (sizes[k % sizes.length] % 7);
          splitter.push(text.slice(at, at + n));
          at += n;
        }
        splitter.finish();
        const papa = Papa.parse<string[]>(text, { delimiter: d, newline: eol as '\n' }).data;
        const blank = (r: string[]) => r.length === 1 && r[0] === '';
        expect(fields.filter((r) => !blank(r))).toEqual(papa.filter((r) => !blank(r)));
      }),
      { numRuns: 1000 },
    );
  });
});
