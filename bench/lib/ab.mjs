// Interleaved A/B of one route against /healthz on the same servers: the machine may be loaded by
// others, so every server and route is measured in turns (round by round, request by request for
// latency) rather than one after the other, and the load average is printed with the figures.
import autocannon from 'autocannon';
import { execSync } from 'node:child_process';
import http from 'node:http';
import { fmt, table } from './measure.mjs';

export const loadAverage = () => {
  try {
    return /load average: (.*)$/.exec(execSync('uptime').toString().trim())?.[1] ?? '?';
  } catch {
    return '?';
  }
};

const agents = new Map();
/** One request on a keep-alive socket per (server, route); retried once on a closed socket. */
function once(base, path, headers, retry = true) {
  const key = `${base}|${path.split('?')[0]}`;
  if (!agents.has(key)) agents.set(key, new http.Agent({ keepAlive: true, maxSockets: 1 }));
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request(`${base}${path}`, { headers, agent: agents.get(key) }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6, body }),
      );
    });
    req.on('error', (err) => (retry ? once(base, path, headers, false).then(resolve, reject) : reject(err)));
    req.end();
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs) => pct(xs, 50);

/**
 * `servers`: [{ name, base, target: { path: () => string, headers, check?(body) } }]. For each server:
 * /healthz and the target at concurrency 1 (alternating request by request across all servers), then
 * throughput at `connections` for `seconds`, alternating, for `rounds` rounds (medians are printed).
 */
export async function abBench({ title, servers, requests = 1000, rounds = 3, connections = 8, seconds = 4 }) {
  const loadBefore = loadAverage();
  const lat = new Map(servers.map((s) => [s.name, { health: [], target: [] }]));
  const rps = new Map(servers.map((s) => [s.name, { health: [], target: [] }]));
  const warm = async (s) => {
    for (let i = 0; i < 50; i++) {
      await once(s.base, '/healthz', {});
      await once(s.base, s.target.path(), s.target.headers ?? {});
    }
  };
  for (const s of servers) await warm(s);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < Math.ceil(requests / rounds); i++) {
      for (const s of servers) {
        const h = await once(s.base, '/healthz', {});
        const t = await once(s.base, s.target.path(), s.target.headers ?? {});
        if (h.status !== 200 || t.status !== (s.target.status ?? 200))
          throw new Error(`${s.name}: ${h.status}/${t.status} ${t.body.slice(0, 200)}`);
        s.target.check?.(t.body);
        lat.get(s.name).health.push(h.ms);
        lat.get(s.name).target.push(t.ms);
      }
    }
    for (const s of servers) {
      for (const which of ['health', 'target']) {
        const r = await autocannon({
          url: `${s.base}/healthz`,
          connections,
          duration: seconds,
          ...(which === 'target'
            ? {
                requests: [
                  {
                    setupRequest: (req) => ({
                      ...req,
                      path: s.target.path(),
                      headers: s.target.headers ?? {},
                    }),
                  },
                ],
              }
            : {}),
        });
        // A target that answers a fixed non-2xx status on purpose (an authenticated 404) counts any other.
        const wrong =
          which === 'target' && s.target.status
            ? r['1xx'] + r['2xx'] + r['3xx'] + r['5xx'] + (s.target.status === 404 ? 0 : r['4xx'])
            : r.non2xx;
        if (wrong || r.errors)
          throw new Error(`${s.name} ${which}: ${wrong} unexpected statuses, ${r.errors} errors`);
        rps.get(s.name)[which].push(r.requests.average);
      }
    }
  }
  const rows = [];
  const results = {};
  for (const s of servers) {
    const l = lat.get(s.name);
    const r = rps.get(s.name);
    const h = { p50: pct(l.health, 50), p99: pct(l.health, 99), rps: median(r.health) };
    const t = { p50: pct(l.target, 50), p99: pct(l.target, 99), rps: median(r.target) };
    results[s.name] = { health: h, target: t, addedP50: t.p50 - h.p50, share: t.rps / h.rps };
    rows.push({
      server: s.name,
      route: '/healthz',
      'p50 ms': fmt(h.p50, 3),
      'p99 ms': fmt(h.p99, 3),
      [`req/s @${connections}`]: fmt(h.rps, 0),
      'added p50 ms': '',
      '% of /healthz req/s': '',
    });
    rows.push({
      server: s.name,
      route: s.target.label,
      'p50 ms': fmt(t.p50, 3),
      'p99 ms': fmt(t.p99, 3),
      [`req/s @${connections}`]: fmt(t.rps, 0),
      'added p50 ms': fmt(t.p50 - h.p50, 3),
      '% of /healthz req/s': `${fmt((t.rps / h.rps) * 100, 1)} %`,
    });
  }
  console.log(`\n## ${title}`);
  console.log(
    `interleaved: ${requests} requests per route per server at concurrency 1, ${rounds} × ${seconds} s throughput at ${connections} connections (median)`,
  );
  table(rows);
  console.log(`load average: before ${loadBefore}; after ${loadAverage()} (2 cores)`);
  return results;
}
