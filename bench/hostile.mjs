// Issue 13: /healthz latency while the largest allowed request of each endpoint that takes a large body is
// processed (a 10 000-recipient batch at the variable limits, a 100 000-line suppression CSV, a full
// suppression batch, a lead push, a call with full metadata) and while hostile bodies (100 000 metadata
// keys, JSON nested 100 000 deep) are refused. Goal: the slowest /healthz answer < 100 ms.
//
// The prober runs in its own thread (worker_threads), so the bench's own work (sending 12 MiB) cannot
// delay it: what it measures is the server's.
import { Worker } from 'node:worker_threads';
import { fmt, table } from './lib/measure.mjs';
import { benchPort, seedAccount, startServer } from './lib/server.mjs';

const PORT = benchPort(Number(process.env.BENCH_PORT ?? 8840), 5);

const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
let done = false;
const times = [];
parentPort.on('message', () => { done = true; });
// A probe that gets no answer in 5 s is retried (a keep-alive socket the server closed can hang
// Node's fetch) and counted; its time is still recorded, so a real stall shows.
const probe = () =>
  fetch(workerData.base + '/healthz', { signal: AbortSignal.timeout(5000) }).then((r) => r.arrayBuffer());
let failed = 0;
(async () => {
  for (let i = 0; i < 5; i++) await probe().catch(() => probe()); // connection up, code warm
  parentPort.postMessage('ready');
  while (!done) {
    const t0 = performance.now();
    await probe()
      .catch(() => (failed++, probe()))
      .catch(() => failed++);
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  parentPort.postMessage({ times, failed });
})();
`;

/** Polls /healthz every 5 ms (in another thread) while `work` runs; the slowest answer and the work's own time. */
export async function healthDuring(base, work) {
  const prober = new Worker(PROBER, { eval: true, workerData: { base } });
  const result = new Promise((resolve, reject) => {
    prober.on('message', (m) => m?.times && resolve(m));
    prober.on('error', reject);
  });
  await new Promise((r) => prober.once('message', r)); // ready
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  const status = await work();
  const workMs = performance.now() - t0;
  prober.postMessage('stop');
  const { times, failed } = await result;
  times.sort((a, b) => a - b);
  await prober.terminate();
  return {
    status,
    workMs,
    max: times.at(-1) ?? 0,
    p50: times[Math.floor(times.length / 2)] ?? 0,
    n: times.length,
    failed,
  };
}

let madeCases = 0;

/** The largest request each endpoint accepts, and hostile ones; [name, path, body, headers]. */
export function cases(acct) {
  const auth = { Authorization: `Bearer ${acct.key}` };
  const json = { ...auth, 'Content-Type': 'application/json' };
  // 10 000 recipients (the cap) with variables at their limits: 50 keys would be 25 KiB each, far over the
  // 16 MiB cap, so this is three long values (1.2 KiB) per recipient: 11.6 MiB.
  const value = 'x'.repeat(480);
  const batch = JSON.stringify({
    agent_id: acct.agentId,
    recipients: Array.from({ length: 10_000 }, (_, i) => ({
      phone: `+1415${String(7000000 + i)}`,
      variables: { a: value, b: value, c: value.slice(0, 200) },
    })),
    schedule_at: Math.floor(Date.now() / 1000) + 86400,
  });
  // A recipient that fails validation at the very end: everything before it is read, nothing is stored.
  const badLast = batch.replace('"+14157009999"', '"not a phone"');
  const csv = `phone,channel,reason,source\n${Array.from(
    { length: 100_000 },
    (_, i) => `+1212${String(5000000 + i)},all,do_not_call,crm-export-2026-12`,
  ).join('\n')}\n`;
  // New numbers on every call: a batch of numbers already on the list writes no rows and no events.
  const fresh = 5000000 + 1000 * (madeCases++ % 4000);
  const suppressionBatch = JSON.stringify({
    suppressions: Array.from({ length: 1000 }, (_, i) => ({ phone: `+1646${String(fresh + i)}` })),
  });
  const metadata = Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [`key_${String(i).padStart(36, '0')}`, 'v'.repeat(500)]),
  );
  const call = JSON.stringify({
    agent_id: acct.agentId,
    recipient_phone: '+14155550100',
    metadata,
    variables: metadata,
  });
  const lead = JSON.stringify({
    caller_id: '+14155550123',
    custom_data: Object.fromEntries(Array.from({ length: 190 }, (_, i) => [`f${i}`, 'y'.repeat(1200)])),
  });
  const wide = `{"agent_id":"${acct.agentId}","recipients":[{"phone":"+14155550100"}],"metadata":{${Array.from(
    { length: 100_000 },
    (_, i) => `"k${i}":"v"`,
  ).join(',')}}}`;
  const deep = `{"name":"x","prompt":"p","metadata":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
  const mib = (s) => fmt(Buffer.byteLength(s) / 2 ** 20, 1);
  return [
    [`largest batch (${mib(batch)} MiB)`, '/v1/calls/batch', batch, json],
    // The Idempotency-Key makes the body hashed (canonical JSON + SHA-256): 'fresh' is a new key per run.
    [`largest batch + Idempotency-Key`, '/v1/calls/batch', batch, { ...json, 'Idempotency-Key': 'fresh' }],
    [`batch, last recipient invalid (${mib(badLast)} MiB)`, '/v1/calls/batch', badLast, json],
    [
      `suppression CSV, 100 000 lines (${mib(csv)} MiB)`,
      '/v1/suppressions/import',
      csv,
      { ...auth, 'Content-Type': 'text/csv' },
    ],
    [
      `suppression batch, 1 000 (${fmt(suppressionBatch.length / 1024, 0)} KiB)`,
      '/v1/suppressions/batch',
      suppressionBatch,
      json,
    ],
    [`call, full metadata + variables (${fmt(call.length / 1024, 0)} KiB)`, '/v1/call', call, json],
    [
      `lead push /call-data (${fmt(lead.length / 1024, 0)} KiB)`,
      '/call-data',
      lead,
      { 'X-Moja-Auth-Key': acct.webhook_auth_key, 'Content-Type': 'application/json' },
    ],
    ['100 000 metadata keys', '/v1/calls/batch', wide, json],
    ['metadata nested 100 000 deep', '/v1/agents', deep, json],
  ];
}

export async function benchHostile({ quick = false } = {}) {
  // BENCH_BASELINE=<checkout> serves a second checkout (a clone of main) beside this one; each run then goes
  // to both, alternating which goes first, so a loaded machine weighs on both alike (an interleaved A/B).
  const targets = [{ label: 'this', server: await startServer({ port: PORT }) }];
  if (process.env.BENCH_BASELINE)
    targets.push({
      label: 'baseline',
      server: await startServer({ port: PORT + 1, cwd: process.env.BENCH_BASELINE }),
    });
  try {
    for (const t of targets)
      t.acct = await seedAccount(t.server.base, {
        limits: { api_per_minute: 1_000_000, calls_per_minute: 100_000 },
      });
    const runs = Number(process.env.HOSTILE_RUNS) || (quick ? 1 : 3);
    const rows = [];
    const worst = new Map();
    // HOSTILE_CASE=csv runs only the cases whose name contains it.
    const pick = process.env.HOSTILE_CASE;
    const names = cases(targets[0].acct).map(([n]) => n);
    for (const [k, name] of names.entries()) {
      if (pick && !name.includes(pick)) continue;
      for (let i = 0; i < runs; i++) {
        const order = i % 2 ? [...targets].reverse() : targets;
        for (const { label, server, acct } of order) {
          const [, path, body, headers] = cases(acct)[k];
          const measure = targets.length > 1 ? `${name} [${label}]` : name;
          const send = async () => {
            const h = { ...headers };
            if (h['Idempotency-Key'] === 'fresh') h['Idempotency-Key'] = `bench-${Date.now()}-${i}`;
            const r = await fetch(`${server.base}${path}`, { method: 'POST', headers: h, body });
            await r.arrayBuffer();
            return r.status;
          };
          const r = await healthDuring(server.base, send);
          worst.set(measure, Math.max(worst.get(measure) ?? 0, r.max));
          rows.push({
            measure,
            status: r.status,
            'request ms': fmt(r.workMs, 0),
            'healthz p50 ms': fmt(r.p50, 1),
            'healthz max ms': fmt(r.max, 1),
            polls: r.n,
            'probe retries': r.failed,
          });
        }
      }
    }
    console.log(
      '\n## Hostile input (wrangler dev): /healthz while one large request is processed (goal: max < 100 ms)',
    );
    table(rows);
    console.log('\nWorst /healthz answer per endpoint:');
    table([...worst].map(([measure, max]) => ({ measure, 'worst healthz ms': fmt(max, 1) })));
  } finally {
    for (const t of targets) await t.server.stop();
  }
}
