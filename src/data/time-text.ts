// Timestamps (epoch milliseconds, UTC) as people read them, the same on the page and in the CLI.

const MINUTE = 60_000;

/** A moment: "2024-03-01 14:00" (UTC). */
export const dateAt = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

/** A span: "12 min", "3.5 h", "50.2 days". */
export const dateSpan = (d: number): string =>
  d < 2 * 60 * MINUTE
    ? `${Math.round(d / MINUTE)} min`
    : d < 48 * 60 * MINUTE
      ? `${(d / 3_600_000).toFixed(1)} h`
      : `${(d / 86_400_000).toFixed(1)} days`;
