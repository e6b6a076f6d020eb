// Typed arrays joined end to end into one new array (a lone part is returned as it is).

interface Joinable<T> {
  readonly length: number;
  set(array: T, offset: number): void;
}

export function joined<T extends Joinable<T>>(parts: readonly T[], make: (length: number) => T): T {
  if (parts.length === 1) return parts[0];
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Readings' parts joined into an array of their own: a lone part is copied too, so the result never shares a buffer with them. */
export function joinedCopy(parts: readonly Float64Array[]): Float64Array {
  return parts.length === 1 ? parts[0].slice() : joined(parts, (n) => new Float64Array(n));
}
