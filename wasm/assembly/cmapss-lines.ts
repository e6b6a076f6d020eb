// C-MAPSS text to columns: the readers' hot loop (src/data/cmapss.ts), for the lines it
// can take whole. A line of 26 plain decimals is parsed here; any other line (a word, an
// exponent, more or fewer values, an overlong line) is left to the JS reader, which
// counts, reads or refuses it, so a read gives the same dataset and the same errors with
// or without this kernel.

/** Every line up to `len` was taken. */
export const SCAN_DONE: i32 = 0;
/** The line at `stop` is not 26 plain decimals: the JS reader takes it. */
export const SCAN_REFUSED: i32 = 1;
/** The text ends in the middle of the line at `stop` (the window is not the text's end). */
export const SCAN_CUT: i32 = 2;
/** `cap` rows are filled; the line at `stop` is not read yet. */
export const SCAN_FULL: i32 = 3;

// 10^k for k <= 22: m / 10^k with m below 2^53 is one correctly rounded division, the value JS's Number(token) gives.
const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

@inline
function isBlank(c: u32): bool {
  return c == 32 || c == 9 || c == 13;
}

/**
 * Lines of text[0, len) into 26 f64 columns (column k at out + k * cap * 8), rows from 0.
 * A line ends at a line break, or at `len` when `final`. `result` gets four i32s: the
 * status, the rows written, the lines passed (blank ones too) and `stop`, where reading
 * stopped (a line's start, or len + 1 once the text is done).
 */
export function scanCmapssLines(text: usize, len: i32, final: bool, out: usize, cap: i32, maxRecord: i32, result: usize): void {
  const column = (<usize>cap) << 3;
  let i: i32 = 0;
  let rows: i32 = 0;
  let lines: i32 = 0;
  let status = SCAN_DONE;
  // As the JS reader: a line starts at every position up to len, the text's end included.
  while (i <= len) {
    const start = i;
    let field: i32 = 0;
    let ok = true;
    let full = false;
    while (i < len) {
      let c = <u32>load<u8>(text + i);
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (c == 10) break;
      if (field == 0 && rows == cap) {
        full = true;
        break;
      }
      if (field == 26) {
        ok = false;
        break;
      }
      let neg = false;
      if (c == 45 || c == 43) {
        neg = c == 45;
        c = ++i < len ? <u32>load<u8>(text + i) : 0;
      }
      let mantissa: u64 = 0;
      let digits: i32 = 0;
      let scale: i32 = 0;
      while (c - 48 < 10) {
        mantissa = mantissa * 10 + <u64>(c - 48);
        digits++;
        c = ++i < len ? <u32>load<u8>(text + i) : 0;
      }
      if (c == 46) {
        c = ++i < len ? <u32>load<u8>(text + i) : 0;
        while (c - 48 < 10) {
          mantissa = mantissa * 10 + <u64>(c - 48);
          digits++;
          scale++;
          c = ++i < len ? <u32>load<u8>(text + i) : 0;
        }
      }
      if (!((i == len || isBlank(c) || c == 10) && digits > 0 && digits <= 15 && scale <= 22)) {
        ok = false;
        break;
      }
      const v = scale ? <f64>mantissa / unchecked(POW10[scale]) : <f64>mantissa;
      store<f64>(out + <usize>field * column + ((<usize>rows) << 3), neg ? -v : v);
      field++;
    }
    // The line's end is in the next window, unless it is already too long to be read at all.
    if (ok && !full && i == len && !final && i - start < maxRecord) status = SCAN_CUT;
    else if (full) status = SCAN_FULL;
    else if (!ok || i - start >= maxRecord || (field != 0 && field != 26)) status = SCAN_REFUSED;
    if (status != SCAN_DONE) {
      i = start;
      break;
    }
    if (field == 26) rows++;
    lines++;
    i++;
  }
  store<i32>(result, status);
  store<i32>(result, rows, 4);
  store<i32>(result, lines, 8);
  store<i32>(result, i, 12);
}
