// Standard scaling (x - mean) / scale into a row-major f32 block. Division, not
// multiplication by 1/scale, so scores match scikit-learn's StandardScaler bit for bit;
// the f32 cast matches scikit-learn casting X to float32 before walking its trees.

/**
 * Reads rows [row0, row0+count) of the input, which is either columnar (colPtrs:
 * d pointers to f64 columns) or row-major f64/f32 with `stride` values per row.
 * Returns 1 in missing[r] for a row with any non-finite feature, else 0.
 */
export function scaleBlock(
  layout: i32, src: usize, stride: i32, d: i32, row0: i32, count: i32,
  meanPtr: usize, scalePtr: usize, out: usize, missing: usize,
): void {
  for (let r = 0; r < count; r++) {
    let bad: u8 = 0;
    const dst = out + <usize>(r * d) * 4;
    const row = row0 + r;
    for (let f = 0; f < d; f++) {
      let x: f64;
      if (layout == 0) {
        x = load<f64>(load<usize>(src + <usize>f * sizeof<usize>()) + (<usize>row << 3));
      } else if (layout == 1) {
        x = load<f64>(src + ((<usize>row * <usize>stride + <usize>f) << 3));
      } else {
        x = <f64>load<f32>(src + ((<usize>row * <usize>stride + <usize>f) << 2));
      }
      if (!isFinite(x)) bad = 1;
      const z = (x - load<f64>(meanPtr + (<usize>f << 3))) / load<f64>(scalePtr + (<usize>f << 3));
      store<f32>(dst + (<usize>f << 2), <f32>z);
    }
    store<u8>(missing + <usize>r, bad);
  }
}
