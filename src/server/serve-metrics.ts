// The prediction server's own Prometheus series, beside the scoring ones of Metrics in the
// same registry: requests by route and status, request time, and model reloads.
import { Counter, Histogram, type Registry } from 'prom-client';

const REQUEST_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class ServeMetrics {
  private readonly duration: Histogram<'route'>;
  private readonly reloads: Counter<'outcome'>;
  /**
   * Each route and status's request count, handed to prom-client when it collects (a scrape), and
   * its time series looked up once: prom-client otherwise sorts and joins the labels into a key on
   * every call. Bounded: routes are patterns, statuses few.
   */
  private readonly series = new Map<
    string,
    { route: string; status: string; count: number; reported: number; time: { observe(v: number): void } }
  >();

  constructor(registry: Registry) {
    const series = this.series;
    new Counter({
      name: 'iot_anomaly_http_requests_total',
      help: 'HTTP requests by route and status code.',
      labelNames: ['route', 'status'],
      registers: [registry],
      collect(this: Counter<'route' | 'status'>): void {
        for (const x of series.values()) {
          if (x.count > x.reported) this.inc({ route: x.route, status: x.status }, x.count - x.reported);
          x.reported = x.count;
        }
      },
    });
    this.duration = new Histogram({
      name: 'iot_anomaly_http_request_duration_seconds',
      help: 'Time from request to response, by route.',
      labelNames: ['route'],
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    });
    this.reloads = new Counter({
      name: 'iot_anomaly_model_reloads_total',
      help: 'Model changes seen: loaded, or rejected and the current model kept.',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  /** route: the route's pattern (bounded label values), "unmatched" for a 404. Without `seconds` (answered before any work) no duration is observed. */
  request(route: string, status: number, seconds?: number): void {
    const key = `${status} ${route}`;
    let series = this.series.get(key);
    if (!series) {
      series = { route, status: String(status), count: 0, reported: 0, time: this.duration.labels({ route }) };
      this.series.set(key, series);
    }
    series.count++;
    if (seconds !== undefined) series.time.observe(seconds);
  }

  reload(outcome: 'loaded' | 'rejected'): void {
    this.reloads.inc({ outcome });
  }
}
