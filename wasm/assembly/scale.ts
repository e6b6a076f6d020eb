// Standard scaling (x - mean) / scale into a row-major f32 block. Division, not
// multiplication by 1/scale, so scores match scikit-learn's StandardScaler bit for bit;
// the f32 cast matches scikit-learn casting X to float32 before walking its trees.

/**
 * Reads rows [row0, row0+count) of the input, which is either columnar (layout 0,
 * src: d pointers to f64 columns) or row-major f64 (1) / f32 (2) with `stride` values
 * per row. Sets missing[r] to 1 for a row with any non-finite feature, else 0.
 */
export function scaleBlock(
  layout: i32,
  src: usize,
  stride: i32,
  d: i32,
  row0: i32,
  count: i32,
  meanPtr: usize,
  scalePtr: usize,
  out: usize,
  missing: usize,
): void {
  memory.fill(missing, 0, <usize>count);
  const rowBytes = (<usize>d) << 2;
  for (let f = 0; f < d; f++) {
    const mean = load<f64>(meanPtr + ((<usize>f) << 3));
    const scale = load<f64>(scalePtr + ((<usize>f) << 3));
    let dst = out + ((<usize>f) << 2);
    if (layout == 0) {
      let p = load<usize>(src + <usize>f * sizeof<usize>()) + ((<usize>row0) << 3);
      for (let r = 0; r < count; r++) {
        const x = load<f64>(p);
        if (!isFinite(x)) store<u8>(missing + <usize>r, 1);
        store<f32>(dst, <f32>((x - mean) / scale));
        p += 8;
        dst += rowBytes;
      }
    } else {
      for (let r = 0; r < count; r++) {
        const at = <usize>(row0 + r) * <usize>stride + <usize>f;
        const x = layout == 1 ? load<f64>(src + (at << 3)) : <f64>load<f32>(src + (at << 2));
        if (!isFinite(x)) store<u8>(missing + <usize>r, 1);
        store<f32>(dst, <f32>((x - mean) / scale));
        dst += rowBytes;
      }
    }
  }
}
