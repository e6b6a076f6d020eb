// A fingerprint of the training data: SHA-256 over the feature names and the training
// rows' raw f64 values, so a model says exactly which data it learned from.

export async function fingerprintRows(names: readonly string[], columns: readonly Float64Array[], rows: Int32Array): Promise<string> {
  const header = new TextEncoder().encode(JSON.stringify(names));
  const body = new Float64Array(rows.length * columns.length);
  let k = 0;
  for (let r = 0; r < rows.length; r++) for (const c of columns) body[k++] = c[rows[r]];
  const bytes = new Uint8Array(header.length + body.byteLength);
  bytes.set(header);
  bytes.set(new Uint8Array(body.buffer), header.length);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
