// The reference server of bench:serve: bare node:http answering POST /predict with a result of the
// same shape and no scoring, Fastify or metrics. Measured by the same generator on the same core
// right before serve, it shows what this machine allows any Node server right now: when even it
// misses the latency floor, the machine is too busy for the figure to say anything about serve.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    const r = JSON.parse(body) as Record<string, unknown>;
    const out = JSON.stringify({
      unit_number: r.unit_number,
      time_in_cycles: r.time_in_cycles,
      anomaly_score: 0.5,
      is_anomaly: false,
      alarm: false,
      model_id: 'reference',
      model_version: '0',
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
  });
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stderr.write(`reference server: listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
