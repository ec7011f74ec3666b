// Latency with sub-millisecond resolution (sequential, keep-alive) and throughput with autocannon.
import autocannon from 'autocannon';
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request(url, { method, headers, agent }, (res) => {
      let data = '';
      res.on('data', (c) => {
        data += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6, body: data }),
      );
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Sequential requests (concurrency 1): p50/p99 in ms with microsecond resolution. */
export async function latency(url, opts = {}, { requests = 2000, warmup = 200, onBody } = {}) {
  for (let i = 0; i < warmup; i++) await once(url, opts);
  const times = [];
  let errors = 0;
  for (let i = 0; i < requests; i++) {
    const r = await once(url, opts);
    if (r.status >= 400) errors++;
    if (onBody) onBody(r.body);
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  return {
    p50: pct(times, 50),
    p99: pct(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    errors,
    n: requests,
    times,
  };
}

/** Throughput at `connections` with autocannon. */
export async function throughput(url, opts = {}, { connections = 16, duration = 5 } = {}) {
  const result = await autocannon({
    url,
    connections,
    duration,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export const fmt = (n, d = 2) => (typeof n === 'number' ? n.toFixed(d) : String(n));

export function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals) => vals.map((v, i) => String(v).padEnd(width[i])).join('  ');
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}
