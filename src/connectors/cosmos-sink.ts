// Writes scored documents to Cosmos DB: bulk upserts with an explicit partition key,
// transient failures (429, 408, 5xx) retried after the service's retry-after (or an
// exponential backoff), so a write resolves only when every document is stored.
import type { Container, OperationInput } from '@azure/cosmos';
import type { ScoredDocument } from '../stream/reading-codec.js';

export interface SinkOptions {
  /** Documents per bulk request. */
  chunk?: number;
  /** Bulk requests in flight at once. */
  concurrency?: number;
  maxAttempts?: number;
  onRetry?: (failed: number, waitMs: number) => void;
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
      chunk: opts.chunk ?? 100,
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
      try {
        const results = await this.container.items.executeBulkOperations(ops);
        results.forEach((r, i) => {
          const res = r as {
            response?: { statusCode?: number; retryAfterMilliseconds?: number };
            error?: { code?: number; retryAfterInMs?: number };
          };
          const status = res.response?.statusCode ?? res.error?.code ?? 500;
          if (status >= 200 && status < 300) {
            this.written++;
            return;
          }
          if (!TRANSIENT.has(status)) throw new Error(`Cosmos DB refused document ${pending[i].id}: status ${status}`);
          failed.push(pending[i]);
          waitMs = Math.max(waitMs, res.response?.retryAfterMilliseconds ?? res.error?.retryAfterInMs ?? 0);
        });
      } catch (e) {
        const err = e as { code?: number; retryAfterInMs?: number; message?: string };
        if (err.code !== undefined && !TRANSIENT.has(err.code) && !/ECONN|socket|network|fetch failed/i.test(err.message ?? '')) throw e;
        failed = pending;
        waitMs = err.retryAfterInMs ?? 0;
      }
      if (!failed.length) return;
      if (attempt >= this.opts.maxAttempts)
        throw new Error(`Cosmos DB kept failing: ${failed.length} document(s) not written after ${attempt} attempts`);
      const backoff = Math.max(waitMs, Math.min(5000, 50 * 2 ** attempt));
      this.retries += failed.length;
      this.opts.onRetry?.(failed.length, backoff);
      await new Promise((ok) => setTimeout(ok, backoff));
      pending = failed;
    }
  }
}
