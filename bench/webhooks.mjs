// Issue 4: hangup → call.completed at a real receiver (p50/p99), and delivery throughput for 1 000 events.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, latency, table } from './lib/measure.mjs';
import { api, benchPort, seedAccount, startServer } from './lib/server.mjs';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export async function benchWebhooks({ quick = false } = {}) {
  const waiters = new Map(); // "<call_id>:<type>" → resolve
  let count = 0,
    onCount = null;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      res.writeHead(200).end('ok');
      count++;
      if (onCount) onCount(count);
      try {
        const e = JSON.parse(body);
        const key = `${e.data?.call?.id}:${e.type}`;
        waiters.get(key)?.(performance.now());
      } catch {
        /* ignore */
      }
    });
  });
  await new Promise((r) => receiver.listen(8797, '127.0.0.1', r));
  const server = await startServer({
    port: benchPort(8798, 4),
    testScheduled: true,
    vars: { ALLOW_PRIVATE_WEBHOOK_URLS: 'true', SIMULATOR_TIME_SCALE: '0.05' },
  });
  const waitEvent = (callId, type) => new Promise((resolve) => waiters.set(`${callId}:${type}`, resolve));
  try {
    const acct = await seedAccount(server.base, {
      limits: { api_per_minute: 1_000_000, calls_per_minute: 1_000_000, concurrent_calls: 1000 },
    });
    await api(server.base, 'POST', '/v1/webhook_endpoints', acct.key, { url: 'http://127.0.0.1:8797/hook' });
    const health = await latency(`${server.base}/healthz`, {}, { requests: 500 });

    // 1. Hangup (POST /end) → call.completed at the receiver.
    const n = quick ? 10 : 40;
    const times = [];
    for (let i = 0; i < n; i++) {
      const call = await api(server.base, 'POST', '/v1/call', acct.key, {
        agent_id: acct.agentId,
        recipient_phone: '+14155550190',
        metadata: { simulate: { talk_seconds: 3600 } },
      });
      await waitEvent(call.call_id, 'call.connected');
      const done = waitEvent(call.call_id, 'call.completed');
      const t0 = performance.now();
      await api(server.base, 'POST', `/v1/calls/${call.call_id}/end`, acct.key);
      times.push((await done) - t0);
    }

    // 2. Delivery throughput: 1 000 events whose deliveries are already due, handed to the queue at once
    //    by the cron sweep (the path a backlog takes), measured until the receiver has them all.
    const total = quick ? 200 : 1000;
    const ep = await api(server.base, 'POST', '/v1/webhook_endpoints', acct.key, {
      url: 'http://127.0.0.1:8797/burst',
      events: ['batch.completed'],
    });
    const past = Date.now() - 10 * 60_000;
    const rows = Array.from({ length: total }, (_, i) => i);
    const file = join(mkdtempSync(join(tmpdir(), 'bench-sql-')), 'backlog.sql');
    writeFileSync(
      file,
      [
        ...rows.map(
          (i) =>
            `INSERT INTO events (id, account_id, type, data, created_at, created_at_ms) VALUES ('evt_bench_${i}', '${acct.account.id}', 'batch.completed', '{"batch":{"n":${i}}}', ${Math.floor(past / 1000)}, ${past});`,
        ),
        ...rows.map(
          (i) =>
            `INSERT INTO deliveries (id, account_id, event_id, endpoint_id, status, attempts, next_attempt_at_ms, created_at) VALUES ('del_bench_${i}', '${acct.account.id}', 'evt_bench_${i}', '${ep.id}', 'pending', 0, ${past}, ${Math.floor(past / 1000)});`,
        ),
      ].join('\n'),
    );
    server.sql(file, acct.shard);
    const startCount = count;
    const allIn = new Promise((resolve) => {
      onCount = (c) => {
        if (c - startCount >= total) resolve(performance.now());
      };
    });
    const t0 = performance.now();
    // A fresh connection: the pooled keep-alive one may have been closed by the server while SQL ran.
    const swept = await fetch(`${server.base}/__scheduled?cron=*/5+*+*+*+*`, {
      headers: { Connection: 'close' },
    }).catch(() =>
      fetch(`${server.base}/__scheduled?cron=*/5+*+*+*+*`, { headers: { Connection: 'close' } }),
    );
    if (!swept.ok) throw new Error(`sweep trigger answered ${swept.status}`);
    const tEnd = await allIn;
    const elapsed = (tEnd - t0) / 1000;

    console.log('\n## Webhooks (wrangler dev, local Queue)');
    table([
      {
        measure: 'hangup → call.completed received',
        n,
        'p50 ms': fmt(pct(times, 50), 1),
        'p99 ms': fmt(pct(times, 99), 1),
        rate: '',
      },
      {
        measure: `/healthz baseline (same server)`,
        n: 500,
        'p50 ms': fmt(health.p50, 2),
        'p99 ms': fmt(health.p99, 2),
        rate: '',
      },
      {
        measure: `${total} queued deliveries → receiver`,
        n: total,
        'p50 ms': '',
        'p99 ms': '',
        rate: `${fmt(total / elapsed, 0)} deliveries/s (${fmt(elapsed, 1)} s)`,
      },
    ]);
    return { p50: pct(times, 50), p99: pct(times, 99), deliveriesPerSecond: total / elapsed };
  } finally {
    server.stop();
    receiver.close();
  }
}
