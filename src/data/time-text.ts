// Timestamps (epoch milliseconds, UTC) as people read them, the same on the page and in the CLI.

const MINUTE = 60_000;

/** A moment: "2024-03-01 14:00" (UTC), with its seconds ("14:00:05") when it has them: 1 s data reads to the second. */
export const dateAt = (t: number): string =>
  new Date(t)
    .toISOString()
    .slice(0, t % MINUTE ? 19 : 16)
    .replace('T', ' ');

/** A span: "8 s", "1 min 31 s" (under 10 min), "12 min", "3.5 h", "50.2 days" (a second's fractions below 10 s: "0.2 s"). */
export const dateSpan = (d: number): string =>
  d < MINUTE - 500
    ? `${d < 10_000 ? +(d / 1000).toFixed(1) : Math.round(d / 1000)} s`
    : d < 10 * MINUTE && Math.round(d / 1000) % 60 !== 0
      ? `${Math.floor(Math.round(d / 1000) / 60)} min ${Math.round(d / 1000) % 60} s`
      : d < 2 * 60 * MINUTE
        ? `${Math.round(d / MINUTE)} min`
        : d < 48 * 60 * MINUTE
          ? `${(d / 3_600_000).toFixed(1)} h`
          : `${(d / 86_400_000).toFixed(1)} days`;
