// A fingerprint of the training data: SHA-256 over the feature names and the training
// rows' raw f64 values, so a model says exactly which data it learned from.

export async function fingerprintRows(names: readonly string[], columns: readonly Float64Array[], rows: Int32Array): Promise<string> {
  const header = new TextEncoder().encode(JSON.stringify(names));
  const values = rows.length * columns.length;
  // One buffer: the rows are written 8-byte aligned after the header, then slid down onto
  // its end. The bytes hashed are the same; a second copy of the training rows is not made.
  const at = Math.ceil(header.length / 8) * 8;
  const bytes = new Uint8Array(at + values * 8);
  const body = new Float64Array(bytes.buffer, at, values);
  let k = 0;
  for (let r = 0; r < rows.length; r++) for (const c of columns) body[k++] = c[rows[r]];
  bytes.copyWithin(header.length, at);
  bytes.set(header);
  const digest = await crypto.subtle.digest('SHA-256', bytes.subarray(0, header.length + values * 8));
  return `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A model's id: the training rows' fingerprint and every setting that shapes what is learned
 * from them (forest, threshold, alarm rule, recipe), so two models differ in id when they may
 * score alike data differently, and equal settings on equal data give the same id on any machine.
 */
export async function modelId(fingerprint: string, settings: unknown, seed: number): Promise<string> {
  const text = new TextEncoder().encode(`${fingerprint}\n${canonical(settings)}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', text));
  return `iso-${[...digest.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('')}-s${seed}`;
}

/** JSON with every object's keys sorted: the page and the CLI may build equal settings in another order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
