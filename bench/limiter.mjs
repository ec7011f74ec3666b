// Issue #15 "Speed": an authenticated GET /v1/agents beside /healthz on the same server, with the rate
// limiter on (permit leases) and off; then the same key on a /v1 path no route serves (authenticated,
// rate-limited, then 404 without a D1 query), which isolates what authentication itself adds. With BENCH_BASELINE=<a clone of main> the same case runs on that
// checkout too, interleaved with this one (A/B on one loaded machine).
import { abBench } from './lib/ab.mjs';
import { fmt } from './lib/measure.mjs';
import { benchPort, seedAccount, startServer } from './lib/server.mjs';

export async function benchLimiter({ quick = false } = {}) {
  const baseline = process.env.BENCH_BASELINE;
  const specs = [
    { name: 'this, limiter on', port: benchPort(8791, 0), vars: { RATE_LIMITS: 'on' } },
    { name: 'this, limiter off', port: benchPort(8792, 1), vars: { RATE_LIMITS: 'off' } },
    ...(baseline
      ? [
          {
            name: 'baseline, limiter on',
            port: benchPort(8793, 2),
            vars: { RATE_LIMITS: 'on' },
            cwd: baseline,
          },
        ]
      : []),
  ];
  const started = [];
  try {
    for (const s of specs) started.push({ ...s, server: await startServer(s) });
    const big = { api_per_minute: 1_000_000, calls_per_minute: 1_000_000, concurrent_calls: 10_000 };
    const keys = [];
    for (const s of started) keys.push((await seedAccount(s.server.base, { limits: big })).key);
    const run = (title, target) =>
      abBench({
        title,
        servers: started.map((s, i) => ({
          name: s.name,
          base: s.server.base,
          target: { ...target, headers: { Authorization: `Bearer ${keys[i]}` } },
        })),
        requests: quick ? 300 : 1500,
        rounds: quick ? 1 : 3,
        connections: 8,
        seconds: quick ? 2 : 4,
      });
    const r = await run('Authenticated read: GET /v1/agents beside /healthz (wrangler dev)', {
      label: 'GET /v1/agents',
      path: () => '/v1/agents',
    });
    const on = r['this, limiter on'];
    console.log(
      `goals (issue #15): added p50 ≤ 1.5 ms (${fmt(on.addedP50, 3)}), ≥ 50 % of /healthz throughput (${fmt(on.share * 100, 1)} %)`,
    );
    const auth = await run('Authentication alone: GET /v1/<no route> (key check + limiter, then 404)', {
      label: 'GET /v1/_auth_only (404)',
      path: () => '/v1/_auth_only',
      status: 404,
    });
    const a = auth['this, limiter on'];
    console.log(
      `authentication alone (limiter on): added p50 ${fmt(a.addedP50, 3)} ms, ${fmt(a.share * 100, 1)} % of /healthz throughput`,
    );
    return { ...r, auth };
  } finally {
    for (const s of started) s.server.stop();
  }
}
