// Issue 17: what the suppression list adds to a dial. Two accounts on one server, identical but for a
// list of 100 000 numbers on one of them; POST /v1/call (to a number not on the list) on each, a refused
// call to a listed number, and /healthz as the baseline. The difference is what 100 000 entries cost.
import { fmt, latency, table } from './lib/measure.mjs';
import { api, seedAccount, startServer } from './lib/server.mjs';

const ENTRIES = 100_000;

export async function benchSuppressions({ quick = false } = {}) {
  const server = await startServer({
    port: 8860,
    vars: { RATE_LIMITS: 'off', SIMULATOR_TIME_SCALE: '0.001' },
  });
  try {
    const limits = { api_per_minute: 1_000_000, calls_per_minute: 1_000_000, concurrent_calls: 100_000 };
    const empty = await seedAccount(server.base, { limits });
    const full = await seedAccount(server.base, { limits });
    const csv = `phone\n${Array.from({ length: ENTRIES }, (_, i) => `+1212${String(i).padStart(7, '0')}`).join('\n')}\n`;
    const t0 = performance.now();
    const res = await fetch(`${server.base}/v1/suppressions/import`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${full.key}`, 'Content-Type': 'text/csv' },
      body: csv,
    });
    const imported = await res.json();
    const importMs = performance.now() - t0;
    if (imported.created !== ENTRIES)
      throw new Error(`import: ${res.status} ${JSON.stringify(imported).slice(0, 300)}`);
    const listed = await api(server.base, 'GET', '/v1/suppressions?limit=1&include_total=true', full.key);
    if (listed.total !== ENTRIES) throw new Error(`expected ${ENTRIES} entries, found ${listed.total}`);

    const n = quick ? 200 : 1000;
    const warmup = quick ? 20 : 100;
    const call = (acct, phone) => ({
      method: 'POST',
      headers: { Authorization: `Bearer ${acct.key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        agent_id: acct.agentId,
        recipient_phone: phone,
        metadata: { simulate: { ring_seconds: 0, talk_seconds: 1 } },
      }),
    });
    const health = await latency(`${server.base}/healthz`, {}, { requests: n, warmup });
    const results = {};
    // Interleaved in rounds so a load spike on the shared machine hits both accounts alike.
    const rounds = 4;
    const parts = { empty: [], full: [], refused: [], noAgent: [] };
    for (let r = 0; r < rounds; r++) {
      parts.empty.push(
        await latency(`${server.base}/v1/call`, call(empty, '+13125550100'), {
          requests: n / rounds,
          warmup,
        }),
      );
      parts.full.push(
        await latency(`${server.base}/v1/call`, call(full, '+13125550100'), { requests: n / rounds, warmup }),
      );
      parts.refused.push(
        await latency(`${server.base}/v1/call`, call(full, `+1212${String(ENTRIES / 2).padStart(7, '0')}`), {
          requests: n / rounds,
          warmup: 5,
        }),
      );
      // The same request refused one step earlier (unknown agent → 404, before the list is read): the
      // difference to the 422 above is the suppression lookup itself.
      parts.noAgent.push(
        await latency(
          `${server.base}/v1/call`,
          call({ ...full, agentId: 'agent_missing' }, `+1212${String(ENTRIES / 2).padStart(7, '0')}`),
          { requests: n / rounds, warmup: 5 },
        ),
      );
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const [k, v] of Object.entries(parts))
      results[k] = {
        p50: median(v.map((x) => x.p50)),
        p99: median(v.map((x) => x.p99)),
        errors: v.reduce((a, x) => a + x.errors, 0),
      };
    if (results.empty.errors || results.full.errors) throw new Error('calls failed');
    if (results.refused.errors !== n)
      throw new Error(`expected every call to the listed number refused, ${results.refused.errors}/${n}`);

    console.log(`\n## Suppression check per dial (${ENTRIES} entries, wrangler dev, concurrency 1)`);
    console.log(`CSV import of ${ENTRIES} numbers: ${fmt(importMs / 1000, 1)} s`);
    table([
      { case: '/healthz', 'p50 ms': fmt(health.p50, 3), 'p99 ms': fmt(health.p99, 3) },
      {
        case: 'POST /v1/call, empty list',
        'p50 ms': fmt(results.empty.p50, 3),
        'p99 ms': fmt(results.empty.p99, 3),
      },
      {
        case: `POST /v1/call, ${ENTRIES} entries`,
        'p50 ms': fmt(results.full.p50, 3),
        'p99 ms': fmt(results.full.p99, 3),
      },
      {
        case: 'POST /v1/call, listed → 422',
        'p50 ms': fmt(results.refused.p50, 3),
        'p99 ms': fmt(results.refused.p99, 3),
      },
      {
        case: 'POST /v1/call, no agent → 404',
        'p50 ms': fmt(results.noAgent.p50, 3),
        'p99 ms': fmt(results.noAgent.p99, 3),
      },
    ]);
    const added = results.full.p50 - results.empty.p50;
    const lookup = results.refused.p50 - results.noAgent.p50;
    console.log(`${ENTRIES} entries vs an empty list: p50 ${fmt(added, 3)} ms per dial`);
    console.log(`the lookup itself (422 − 404 at p50): ${fmt(lookup, 3)} ms per dial (goal: < 1 ms)`);
    return { added, lookup, importMs };
  } finally {
    server.stop();
  }
}
