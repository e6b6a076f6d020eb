// Writes scored documents to Cosmos DB: bulk upserts with an explicit partition key,
// transient failures (429, 408, 5xx, no connection) retried after the service's
// retry-after (or an exponential backoff), so a write resolves only when every document
// is stored. Each bulk call of @azure/cosmos 4.9.3 takes about a second whatever its size
// (its batcher waits), so chunks are big and several are in flight: measured on the local
// stand-in, 1,000-document chunks four at a time store ~3,200 documents/s, 100-document
// chunks ~380/s, and 32 single upserts in flight ~2,300/s.
import type { Container, OperationInput } from '@azure/cosmos';
import type { ScoredDocument } from '../stream/reading-codec.js';
import { redact } from './settings.js';

export interface SinkOptions {
  /** Documents per bulk request. */
  chunk?: number;
  /** Bulk requests in flight at once. */
  concurrency?: number;
  maxAttempts?: number;
  onRetry?: (failed: number, waitMs: number, why: WriteFailure) => void;
}

/** Why a write is being retried: the account's request rate (429), or Cosmos DB failing or out of reach. */
export interface WriteFailure {
  throttled: boolean;
  /** One line, e.g. "cannot reach Cosmos DB: connect ECONNREFUSED 127.0.0.1:8081". */
  line: string;
}

/** The sink gave up on a write (after its attempts, or on a refusal that retrying cannot mend). */
export class CosmosWriteError extends Error {
  override name = 'CosmosWriteError';
}

const TRANSIENT = new Set([408, 429, 449, 500, 502, 503, 504]);

export class CosmosSink {
  retries = 0;
  written = 0;
  private readonly container: Container;
  private readonly opts: Required<Omit<SinkOptions, 'onRetry'>> & Pick<SinkOptions, 'onRetry'>;

  constructor(container: Container, opts: SinkOptions = {}) {
    this.container = container;
    this.opts = {
      chunk: opts.chunk ?? 1000,
      concurrency: opts.concurrency ?? 4,
      maxAttempts: opts.maxAttempts ?? 12,
      onRetry: opts.onRetry,
    };
  }

  /** Resolves when every document is stored; a unit's documents are idempotent upserts, so order between chunks does not matter. */
  async write(docs: ScoredDocument[]): Promise<void> {
    const chunks: ScoredDocument[][] = [];
    for (let at = 0; at < docs.length; at += this.opts.chunk) chunks.push(docs.slice(at, at + this.opts.chunk));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await this.writeChunk(chunks[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, chunks.length) }, worker));
  }

  private async writeChunk(docs: ScoredDocument[]): Promise<void> {
    let pending = docs;
    for (let attempt = 1; pending.length; attempt++) {
      const ops = pending.map((d) => ({
        operationType: 'Upsert',
        partitionKey: d.unit_number,
        resourceBody: d,
      })) as unknown as OperationInput[];
      let failed: ScoredDocument[] = [];
      let waitMs = 0;
      let why: WriteFailure = { throttled: true, line: '' };
      try {
        const results = await this.container.items.executeBulkOperations(ops);
        results.forEach((r, i) => {
          // A result is { response } or { error }; when the call as a whole failed (no connection), each is the error itself.
          const res = r as OperationFailure & {
            response?: { statusCode?: number; retryAfterMilliseconds?: number };
            error?: OperationFailure;
          };
          const err = res.error ?? (r instanceof Error ? res : undefined);
          // A string code (ECONNREFUSED, ECONNRESET) is the connection failing, not an answer.
          const status = typeof err?.code === 'string' ? undefined : (res.response?.statusCode ?? err?.code ?? 500);
          if (status !== undefined && status >= 200 && status < 300) {
            this.written++;
            return;
          }
          if (status !== undefined && !TRANSIENT.has(status))
            throw new CosmosWriteError(`Cosmos DB refused document ${pending[i].id}: status ${status}`);
          failed.push(pending[i]);
          if (!why.line || why.throttled) why = failureOf(status, err?.message);
          waitMs = Math.max(waitMs, res.response?.retryAfterMilliseconds ?? err?.retryAfterInMs ?? 0);
        });
      } catch (e) {
        if (e instanceof CosmosWriteError) throw e;
        const err = e as OperationFailure;
        const network = typeof err.code === 'string' || /ECONN|socket|network|fetch failed/i.test(err.message ?? '');
        if (!network && err.code !== undefined && !TRANSIENT.has(err.code as number)) throw e;
        failed = pending;
        waitMs = err.retryAfterInMs ?? 0;
        why = failureOf(network ? undefined : (err.code as number | undefined), err.message);
      }
      if (!failed.length) return;
      if (attempt >= this.opts.maxAttempts)
        throw new CosmosWriteError(
          `Cosmos DB kept failing: ${failed.length} document(s) not written after ${attempt} attempts (${why.line})`,
        );
      const backoff = Math.max(waitMs, Math.min(5000, 50 * 2 ** attempt));
      this.retries += failed.length;
      this.opts.onRetry?.(failed.length, backoff, why);
      await new Promise((ok) => setTimeout(ok, backoff));
      pending = failed;
    }
  }
}

interface OperationFailure {
  code?: number | string;
  message?: string;
  retryAfterInMs?: number;
}

/** Throttling is the account's request rate at work; anything else is Cosmos DB failing or out of reach. */
function failureOf(status: number | undefined, message = ''): WriteFailure {
  const first = redact(message).split('\n')[0].slice(0, 200);
  if (status === 429) return { throttled: true, line: 'Cosmos DB is throttling writes (429: request rate too large)' };
  if (status === undefined || /ECONN|socket|network|fetch failed|ETIMEDOUT|EHOSTUNREACH/i.test(first))
    return { throttled: false, line: `cannot reach Cosmos DB: ${first || 'no answer'}` };
  return { throttled: false, line: `Cosmos DB answered ${status}${first ? `: ${first}` : ''}` };
}
