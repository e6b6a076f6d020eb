// Answers kept for retries (the Idempotency-Key header). A client whose request timed out
// cannot tell whether it was scored; sent again, it would be refused as a repeat (409) and its
// results lost. A request with a key is answered once; the same key with the same body gets
// that answer again, scoring nothing, and the same key with another body is refused (422).
// Kept in arrival order and dropped oldest first, by count, bytes and age, so memory is bounded
// whatever clients send.
import { createHash } from 'node:crypto';

export interface ReplayLimits {
  /** Answers kept, at most. */
  entries: number;
  /** Their bytes (UTF-16 text) at most: a full request's answer is about 2 MB. */
  bytes: number;
  /** How long an answer is kept, in ms. */
  ttlMs: number;
}

/** A day of retries, within 64 MB. */
export const DEFAULT_REPLAY_LIMITS: ReplayLimits = { entries: 10_000, bytes: 64 << 20, ttlMs: 24 * 3600_000 };

interface Kept {
  body: string;
  answer: string;
  at: number;
}

export type Replay = { kind: 'answer'; answer: string } | { kind: 'other-body' } | undefined;

/** Why a header value cannot be a key, or undefined when it can: printable ASCII, 1 to 255 characters, as the IETF draft asks. */
export function keyProblem(key: string): string | undefined {
  // Spaces inside, none at the ends (HTTP would trim them); no control or non-ASCII characters.
  if (!/^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/.test(key))
    return 'the Idempotency-Key header must be 1 to 255 printable ASCII characters (a UUID is usual)';
  return undefined;
}

export class ReplayStore {
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;
  private readonly limits: ReplayLimits;
  private readonly now: () => number;

  constructor(limits: ReplayLimits = DEFAULT_REPLAY_LIMITS, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  /** The answer kept for this key, whether the body (its fingerprint) differs, or undefined when the key is new. */
  find(key: string, body: string): Replay {
    this.expire();
    const kept = this.kept.get(key);
    if (!kept) return undefined;
    return kept.body === body ? { kind: 'answer', answer: kept.answer } : { kind: 'other-body' };
  }

  /** Keeps an answer (JSON text) for its key and body fingerprint; the oldest go first when a limit is reached. */
  keep(key: string, body: string, answer: string): void {
    const size = 2 * (key.length + answer.length) + 128;
    if (size > this.limits.bytes) return;
    this.drop(key);
    this.kept.set(key, { body, answer, at: this.now() });
    this.bytes += size;
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.drop(oldest);
    }
  }

  get size(): number {
    return this.kept.size;
  }

  private expire(): void {
    const before = this.now() - this.limits.ttlMs;
    for (const [key, kept] of this.kept) {
      if (kept.at > before) break;
      this.drop(key);
    }
  }

  private drop(key: string): void {
    const kept = this.kept.get(key);
    if (!kept) return;
    this.bytes -= 2 * (key.length + kept.answer.length) + 128;
    this.kept.delete(key);
  }
}

/** The body as parsed: whitespace or key spacing a client's retry changes does not make it another body. */
export function fingerprint(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64');
}
