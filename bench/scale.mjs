// Issue 15: the load run. 200 accounts against one `wrangler dev` (BENCH_METRICS=on), then
//  1. per-unit resource counts: each operation alone, K times, until its asynchronous work (call
//     lifecycle, webhook deliveries, bid flush) has settled; the server's counters (src/lib/metering.ts:
//     D1 meta.rows_read/rows_written, Durable Object calls, Queue messages, KV) divided by K;
//  2. a mixed workload for a bounded time (calls with webhooks, RTB pings, lead posts, reporting
//     questions, authenticated reads) from concurrent clients over random accounts: p50/p99 per
//     operation, 4xx and 5xx.
// Ports BENCH_SCALE_PORT (8830) and 8831 (webhook receiver). The figures feed docs/SCALING.md.
import http from 'node:http';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fmt, table } from './lib/measure.mjs';
import { ADMIN_TOKEN, api, startServer } from './lib/server.mjs';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function send(base, method, path, { key, body, headers = {} } = {}) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const h = { ...headers };
    if (key) h.Authorization = `Bearer ${key}`;
    let payload;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      h['Content-Type'] = 'application/json';
    }
    const req = http.request(base + path, { method, headers: h, agent }, (res) => {
      let data = '';
      res.on('data', (c) => {
        data += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - start) / 1e6, body: data }),
      );
    });
    req.on('error', (e) =>
      resolve({ status: 0, ms: Number(process.hrtime.bigint() - start) / 1e6, body: String(e) }),
    );
    if (payload) req.write(payload);
    req.end();
  });
}

const RECEIVER_PORT = 8831;

export async function benchScale({ quick = false } = {}) {
  const ACCOUNTS = quick ? 40 : 200;
  const DURATION_S = quick ? 15 : 45;
  const CLIENTS = 16;
  let delivered = 0;
  const receiver = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      delivered++;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => receiver.listen(RECEIVER_PORT, '127.0.0.1', r));
  const server = await startServer({
    port: Number(process.env.BENCH_SCALE_PORT ?? 8830),
    vars: { BENCH_METRICS: 'on', ALLOW_PRIVATE_WEBHOOK_URLS: 'true', SIMULATOR_TIME_SCALE: '0.05' },
  });
  const base = server.base;
  try {
    // 200 accounts: an agent, a webhook endpoint (all events), an RTB endpoint with 2 routes.
    const t0 = performance.now();
    const accounts = [];
    // The operator surface counts against its caller's IP (100/min): wait out a 429 as a client would.
    const admin = async (body) => {
      for (;;) {
        const r = await send(base, 'POST', '/admin/accounts', {
          key: ADMIN_TOKEN,
          body,
          headers: { 'CF-Connecting-IP': `10.${i8()}.${i8()}.${i8()}` },
        });
        if (r.status === 201) return JSON.parse(r.body);
        if (r.status !== 429) throw new Error(`POST /admin/accounts: ${r.status} ${r.body}`);
        await sleep(1000);
      }
    };
    const i8 = () => Math.floor(Math.random() * 250) + 1;
    const seedOne = async (i) => {
      const made = await admin({
        name: `Scale ${i}`,
        plan: 'enterprise',
        limits: {
          api_per_minute: 1_000_000,
          calls_per_minute: 1_000_000,
          concurrent_calls: 10_000,
          webhooks_per_minute: 1_000_000,
          rtb_per_minute: 1_000_000,
          reporting_per_minute: 1_000_000,
        },
      });
      const key = made.api_key;
      const ag = await api(base, 'POST', '/v1/agents', key, { name: 'Agent', prompt: 'Hello {{name}}' });
      const hook = await api(base, 'POST', '/v1/webhook_endpoints', key, {
        url: `http://127.0.0.1:${RECEIVER_PORT}/hook/${i}`,
      });
      const rtb = await api(base, 'POST', '/v1/rtb_endpoints', key, { name: 'Publisher' });
      for (let r = 0; r < 2; r++)
        await api(base, 'POST', `/v1/rtb_endpoints/${rtb.id}/routes`, key, {
          buyer: `Buyer ${r}`,
          number: `+1555${String(1000000 + i * 10 + r).padStart(7, '0')}`,
          payout: 5 + r * 3,
        });
      accounts.push({ key, agentId: ag.id, hookId: hook.id, rtbId: rtb.rtb_id, whk: made.webhook_auth_key });
    };
    for (let i = 0; i < ACCOUNTS; i += 16)
      await Promise.all(Array.from({ length: Math.min(16, ACCOUNTS - i) }, (_, j) => seedOne(i + j)));
    console.log(`seeded ${ACCOUNTS} accounts in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    let phone = 0;
    const nextPhone = () => `+1415${String(2000000 + (phone++ % 7999999)).padStart(7, '0')}`;
    const pick = () => accounts[Math.floor(Math.random() * accounts.length)];
    const QUESTIONS = [
      'How many calls did we make last week?',
      'What is the answer rate this month?',
      'How many calls by agent yesterday?',
      'Average call duration last 7 days',
    ];
    const ops = {
      call: (a) =>
        send(base, 'POST', '/v1/call', {
          key: a.key,
          body: {
            agent_id: a.agentId,
            recipient_phone: nextPhone(),
            metadata: { simulate: { talk_seconds: 6, ring_seconds: 1 } },
          },
        }),
      webhook: (a) => send(base, 'POST', `/v1/webhook_endpoints/${a.hookId}/test`, { key: a.key, body: {} }),
      ping: (a) =>
        send(base, 'GET', `/inbound_rtb/${a.rtbId}?caller_id=${encodeURIComponent(nextPhone())}&zip=10001`),
      lead: (a) =>
        send(base, 'POST', `/call-data?moja_auth_key=${encodeURIComponent(a.whk)}`, {
          body: { caller_id: nextPhone(), lead_score: 50, custom_data: { source: 'bench' } },
        }),
      reporting: (a) =>
        send(base, 'POST', '/reporting_ai/query', {
          key: a.key,
          body: { query: QUESTIONS[Math.floor(Math.random() * QUESTIONS.length)] },
        }),
      read: (a) => send(base, 'GET', '/v1/calls?limit=10', { key: a.key }),
    };

    // Settles when the receiver has seen no delivery for `quietMs` (calls end, webhooks drain, bids flush).
    const settle = async (quietMs = 3000, maxMs = 60_000) => {
      const end = Date.now() + maxMs;
      let last = delivered,
        since = Date.now();
      while (Date.now() < end) {
        await sleep(250);
        if (delivered !== last) {
          last = delivered;
          since = Date.now();
        } else if (Date.now() - since >= quietMs) return;
      }
    };
    const counters = async () => JSON.parse((await send(base, 'GET', '/__metrics')).body);

    // 1. Per-unit resource counts.
    const K = {
      call: quick ? 10 : 30,
      webhook: quick ? 20 : 50,
      ping: quick ? 100 : 300,
      lead: quick ? 50 : 100,
      reporting: quick ? 10 : 30,
      read: quick ? 50 : 100,
    };
    const units = [];
    await settle(1500);
    for (const [op, n] of Object.entries(K)) {
      await send(base, 'POST', '/__metrics/reset');
      const d0 = delivered;
      let bad = 0;
      for (let i = 0; i < n; i += 10) {
        const rs = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => ops[op](pick())));
        bad += rs.filter((r) => r.status >= 400 || r.status === 0).length;
      }
      // Calls live ~0.4 s of simulated ring + talk at this time scale; then finalize and webhooks.
      await settle(op === 'call' ? 4000 : 2000);
      const c = await counters();
      const per = (x) => x / n;
      units.push({
        unit: op,
        n,
        errors: bad,
        requests: fmt(per(c.requests), 2),
        d1_queries: fmt(per(c.d1_queries), 1),
        d1_rows_read: fmt(per(c.d1_rows_read), 1),
        d1_rows_written: fmt(per(c.d1_rows_written), 1),
        do_requests: fmt(per(Object.values(c.do_requests).reduce((s, v) => s + v, 0)), 2),
        do_alarms: fmt(per(Object.values(c.do_alarms).reduce((s, v) => s + v, 0)), 2),
        do_by_class: Object.entries(c.do_requests)
          .map(([k, v]) => `${k}:${fmt(per(v), 2)}`)
          .join(' '),
        queue_msgs: fmt(per(c.queue_messages), 2),
        kv_reads: fmt(per(c.kv_reads), 2),
        kv_writes: fmt(per(c.kv_writes), 2),
        webhooks: fmt(per(delivered - d0), 2),
      });
    }
    console.log('\nper-unit resources (counted by the server, BENCH_METRICS=on):');
    table(units);

    // 2. Mixed load for a bounded time.
    const WEIGHTS = [
      ['ping', 50],
      ['lead', 20],
      ['read', 12],
      ['call', 10],
      ['webhook', 5],
      ['reporting', 3],
    ];
    const totalW = WEIGHTS.reduce((s, [, w]) => s + w, 0);
    const choose = () => {
      let r = Math.random() * totalW;
      for (const [op, w] of WEIGHTS) if ((r -= w) < 0) return op;
      return 'ping';
    };
    const lat = Object.fromEntries(WEIGHTS.map(([op]) => [op, []]));
    const status = Object.fromEntries(WEIGHTS.map(([op]) => [op, { '2xx': 0, '4xx': 0, '5xx': 0, net: 0 }]));
    const samples5xx = [];
    await send(base, 'POST', '/__metrics/reset');
    const d0 = delivered;
    const stopAt = Date.now() + DURATION_S * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < stopAt) {
          const op = choose();
          const r = await ops[op](pick());
          lat[op].push(r.ms);
          const s = status[op];
          if (r.status === 0) s.net++;
          else if (r.status >= 500) {
            s['5xx']++;
            if (samples5xx.length < 5) samples5xx.push(`${op} ${r.status} ${r.body.slice(0, 200)}`);
          } else if (r.status >= 400) s['4xx']++;
          else s['2xx']++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    await settle(3000);
    const mix = await counters();
    const rows = WEIGHTS.map(([op]) => ({
      op,
      n: lat[op].length,
      'req/s': fmt(lat[op].length / elapsed, 1),
      p50_ms: fmt(pct(lat[op], 50), 1),
      p99_ms: fmt(pct(lat[op], 99), 1),
      '2xx': status[op]['2xx'],
      '4xx': status[op]['4xx'],
      '5xx': status[op]['5xx'],
      net_err: status[op].net,
    }));
    const all = Object.values(lat).flat();
    console.log(
      `\nmixed load: ${ACCOUNTS} accounts, ${CLIENTS} concurrent clients, ${fmt(elapsed, 1)} s, ${all.length} requests (${fmt(all.length / elapsed, 1)}/s), webhooks delivered ${delivered - d0}`,
    );
    table(rows);
    console.log(
      `whole run: D1 rows read ${mix.d1_rows_read}, written ${mix.d1_rows_written}, queries ${mix.d1_queries}; DO calls ${JSON.stringify(mix.do_requests)}, alarms ${JSON.stringify(mix.do_alarms)}; queue ${mix.queue_messages}; KV reads ${mix.kv_reads}, writes ${mix.kv_writes}`,
    );
    const total5xx = rows.reduce((s, r) => s + r['5xx'], 0);
    console.log(`5xx: ${total5xx} (goal 0)${samples5xx.length ? `\n  ${samples5xx.join('\n  ')}` : ''}`);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/scale.json',
      `${JSON.stringify({ at: new Date().toISOString(), accounts: ACCOUNTS, clients: CLIENTS, seconds: elapsed, units, mixed: rows, whole: mix }, null, 2)}\n`,
    );
  } finally {
    server.stop();
    receiver.close();
  }
}
