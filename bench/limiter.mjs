// Issue 3: what the per-account limiter adds to a request. Two servers in the same run, identical but
// for RATE_LIMITS; GET /v1/agents on each, /healthz on each as the baseline.
import { fmt, latency, table, throughput } from './lib/measure.mjs';
import { benchPort, seedAccount, startServer } from './lib/server.mjs';

export async function benchLimiter({ quick = false } = {}) {
  const limited = await startServer({ port: benchPort(8791, 0), vars: { RATE_LIMITS: 'on' } });
  const unlimited = await startServer({ port: benchPort(8792, 1), vars: { RATE_LIMITS: 'off' } });
  try {
    const big = { api_per_minute: 1_000_000, calls_per_minute: 1_000_000, concurrent_calls: 10_000 };
    const accounts = {
      limited: await seedAccount(limited.base, { limits: big }),
      unlimited: await seedAccount(unlimited.base, { limits: big }),
    };
    const n = quick ? 500 : 3000;
    const rows = [];
    const results = {};
    for (const [name, server] of [
      ['limited', limited],
      ['unlimited', unlimited],
    ]) {
      const headers = { Authorization: `Bearer ${accounts[name].key}` };
      const health = await latency(`${server.base}/healthz`, {}, { requests: n });
      const agents = await latency(`${server.base}/v1/agents`, { headers }, { requests: n });
      const hTput = await throughput(
        `${server.base}/healthz`,
        {},
        { connections: 8, duration: quick ? 3 : 5 },
      );
      const tput = await throughput(
        `${server.base}/v1/agents`,
        { headers },
        { connections: 8, duration: quick ? 3 : 5 },
      );
      results[name] = agents;
      results[`${name}Health`] = { ...health, rps: hTput.rps };
      results[`${name}Rps`] = tput.rps;
      rows.push({
        server: name,
        route: '/healthz',
        'p50 ms': fmt(health.p50, 3),
        'p99 ms': fmt(health.p99, 3),
        'req/s @8': fmt(hTput.rps, 0),
      });
      rows.push({
        server: name,
        route: '/v1/agents',
        'p50 ms': fmt(agents.p50, 3),
        'p99 ms': fmt(agents.p99, 3),
        'req/s @8': fmt(tput.rps, 0),
      });
      if (agents.errors || tput.non2xx)
        throw new Error(`${name}: ${agents.errors + tput.non2xx} error responses`);
    }
    console.log('\n## Rate limiter overhead (GET /v1/agents, concurrency 1, wrangler dev)');
    table(rows);
    const addedP50 = results.limited.p50 - results.unlimited.p50;
    const addedP99 = results.limited.p99 - results.unlimited.p99;
    console.log(`limiter adds p50 ${fmt(addedP50, 3)} ms, p99 ${fmt(addedP99, 3)} ms (goal: ≤ 1 ms at p50)`);
    for (const name of ['limited', 'unlimited']) {
      const h = results[`${name}Health`];
      console.log(
        `${name}: authenticated GET /v1/agents adds p50 ${fmt(results[name].p50 - h.p50, 3)} ms over /healthz and keeps ${fmt((results[`${name}Rps`] / h.rps) * 100, 0)} % of its throughput (goal: ≤ 1.5 ms, ≥ 50 %)`,
      );
    }
    return { addedP50, addedP99 };
  } finally {
    limited.stop();
    unlimited.stop();
  }
}
