// A column of decimal readings stored as scaled Int32 codes: half the bytes of Float64,
// and every value comes back as the very double it was. Decoding is one division,
// code / 10^k; IEEE division is correctly rounded, so that is the double nearest the
// decimal, which is what parsing its text gave. Encoding checks that for every value
// anyway: a column where any value does not come back bit for bit stays Float64.

export interface CompactValues {
  codes: Int32Array;
  /** 10^k: value = code / divisor. */
  divisor: number;
}

/** Codes of values that are not code / divisor: NaN (a missing or non-numeric cell) and -0. */
export const NAN_CODE = -0x80000000;
export const NEGATIVE_ZERO_CODE = -0x7fffffff;
const LOWEST_CODE = NEGATIVE_ZERO_CODE + 1;
const HIGHEST_CODE = 0x7fffffff;
/** Readings with more decimals than this stay Float64 (C-MAPSS has at most 4). */
const MAX_DECIMALS = 9;

/** Decimals needed by the first values: where the encoding pass starts. */
function decimalsHint(values: Float64Array): number {
  let k = 0;
  const n = Math.min(values.length, 1024);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    while (k < MAX_DECIMALS && Math.round(v * 10 ** k) / 10 ** k !== v) k++;
  }
  return k;
}

/** The column as codes, or undefined when some value would not come back exactly at any allowed scale. */
export function compactValues(values: Float64Array): CompactValues | undefined {
  return compactParts([values]);
}

/** The values of the parts, in order, as one column of codes (no joined Float64 copy is made). */
export function compactParts(parts: readonly Float64Array[]): CompactValues | undefined {
  const codes = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  next: for (let k = decimalsHint(parts[0] ?? new Float64Array(0)); k <= MAX_DECIMALS; k++) {
    const divisor = 10 ** k;
    let at = 0;
    for (const values of parts) {
      for (let i = 0; i < values.length; i++, at++) {
        const v = values[i];
        if (v !== v) {
          codes[at] = NAN_CODE;
          continue;
        }
        if (v === 0 && 1 / v < 0) {
          codes[at] = NEGATIVE_ZERO_CODE;
          continue;
        }
        // A small negative value rounds to -0 here; the check below sends it to a finer scale.
        const code = Math.round(v * divisor);
        // Infinity and values beyond the Int32 range fail here as well.
        if (!(code >= LOWEST_CODE && code <= HIGHEST_CODE) || code / divisor !== v) {
          if (k === MAX_DECIMALS || !Number.isFinite(v) || Math.abs(v * divisor * 10) > HIGHEST_CODE) return undefined;
          continue next;
        }
        codes[at] = code;
      }
    }
    return { codes, divisor };
  }
  return undefined;
}

/** One value. */
export function decodeAt(c: CompactValues, i: number): number {
  const code = c.codes[i];
  if (code > NEGATIVE_ZERO_CODE) return code / c.divisor;
  return code === NAN_CODE ? NaN : -0;
}

/** Values [from, to) into out from `at` (a new array by default). */
export function decodeRange(
  c: CompactValues,
  from = 0,
  to = c.codes.length,
  out: Float64Array = new Float64Array(to - from),
  at = 0,
): Float64Array {
  const { codes, divisor } = c;
  for (let i = from, j = at; i < to; i++, j++) {
    const code = codes[i];
    out[j] = code > NEGATIVE_ZERO_CODE ? code / divisor : code === NAN_CODE ? NaN : -0;
  }
  return out;
}

/** The values at the given rows. */
export function decodeRows(c: CompactValues, rows: ArrayLike<number>, out: Float64Array = new Float64Array(rows.length)): Float64Array {
  const { codes, divisor } = c;
  for (let j = 0; j < rows.length; j++) {
    const code = codes[rows[j]];
    out[j] = code > NEGATIVE_ZERO_CODE ? code / divisor : code === NAN_CODE ? NaN : -0;
  }
  return out;
}
