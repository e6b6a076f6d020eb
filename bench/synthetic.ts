// Deterministic synthetic sensor columns for benchmarks: roughly Gaussian (sum of
// uniforms) with per-column offsets and scales.

export function syntheticColumns(rows: number, features: number, seed = 1): Float64Array[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: features }, (_, f) => {
    const col = new Float64Array(rows);
    const offset = 100 * f;
    const scale = 1 + f;
    for (let i = 0; i < rows; i++) col[i] = offset + scale * (next() + next() + next() - 1.5);
    return col;
  });
}
