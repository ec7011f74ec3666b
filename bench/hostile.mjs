// Issue 13: /healthz latency while the largest allowed request (a 16 MiB batch at the variable limits) and
// hostile bodies (100 000 metadata keys, JSON nested 100 000 deep) are processed. Goal: < 100 ms.
import { fmt, table } from './lib/measure.mjs';
import { benchPort, seedAccount, startServer } from './lib/server.mjs';

const PORT = benchPort(Number(process.env.BENCH_PORT ?? 8840), 5);

/** Polls /healthz every 5 ms while `work` runs; returns the slowest answer and the work's own time. */
async function healthDuring(base, work) {
  let done = false;
  const times = [];
  const poll = (async () => {
    while (!done) {
      const t0 = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.arrayBuffer());
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const t0 = performance.now();
  const status = await work();
  const workMs = performance.now() - t0;
  done = true;
  await poll;
  times.sort((a, b) => a - b);
  return {
    status,
    workMs,
    max: times.at(-1) ?? 0,
    p50: times[Math.floor(times.length / 2)] ?? 0,
    n: times.length,
  };
}

export async function benchHostile({ quick = false } = {}) {
  const server = await startServer({ port: PORT });
  try {
    const acct = await seedAccount(server.base, {
      limits: { api_per_minute: 1_000_000, calls_per_minute: 100_000 },
    });
    const post = (path, raw) => () =>
      fetch(`${server.base}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${acct.key}`, 'Content-Type': 'application/json' },
        body: raw,
      }).then(async (r) => (await r.arrayBuffer(), r.status));
    // The largest batch the API accepts: 10 000 recipients, variables near their limits, just under 16 MiB.
    const value = 'x'.repeat(480);
    const recipients = Array.from({ length: 10_000 }, (_, i) => ({
      phone: `+1415${String(7000000 + i)}`,
      variables: { a: value, b: value, c: value.slice(0, 200) },
    }));
    const largest = JSON.stringify({
      agent_id: acct.agentId,
      recipients,
      schedule_at: Math.floor(Date.now() / 1000) + 86400,
    });
    const wide = `{"agent_id":"${acct.agentId}","recipients":[{"phone":"+14155550100"}],"metadata":{${Array.from(
      { length: 100_000 },
      (_, i) => `"k${i}":"v"`,
    ).join(',')}}}`;
    const deep = `{"name":"x","prompt":"p","metadata":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    const runs = quick ? 1 : 3;
    const rows = [];
    for (const [name, path, raw] of [
      [`largest batch (${fmt(largest.length / 2 ** 20, 1)} MiB)`, '/v1/calls/batch', largest],
      ['100 000 metadata keys', '/v1/calls/batch', wide],
      ['metadata nested 100 000 deep', '/v1/agents', deep],
    ]) {
      for (let i = 0; i < runs; i++) {
        const r = await healthDuring(server.base, post(path, raw));
        rows.push({
          measure: name,
          status: r.status,
          'request ms': fmt(r.workMs, 0),
          'healthz p50 ms': fmt(r.p50, 1),
          'healthz max ms': fmt(r.max, 1),
          polls: r.n,
        });
      }
    }
    console.log(
      '\n## Hostile input (wrangler dev): /healthz while one large request is processed (goal: max < 100 ms)',
    );
    table(rows);
  } finally {
    await server.stop();
  }
}
