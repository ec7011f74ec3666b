// Issue 14: Reporting AI answer latency with 100 000 calls in the asking account and 1 000 000 calls in
// the database across accounts, seeded into the server's local D1 in batches of 100 000 rows (one
// INSERT … SELECT over a recursive counter each). Questions go through POST /reporting_ai/query with the
// built-in translator; the views read calls through the (account_id, created_at) index.
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, latency, table } from './lib/measure.mjs';
import { benchPort, seedAccount, startServer } from './lib/server.mjs';

const QUESTIONS = [
  'How many calls did we receive last week?',
  'What was our answer rate by agent this month?',
  'Median call duration in minutes for the last 7 days',
  'Payout per converted call by campaign last month',
  'Calls this week compared to last week',
  'calls by hour of day in the last 30 days',
  'conversion rate by state last month',
  'how many calls longer than 2 minutes yesterday',
];

/** One INSERT of `n` calls for `account` spread over the last 400 days, statuses and payouts varied. */
export function insertCalls(account, agentId, prefix, n, offset) {
  const now = Math.floor(Date.now() / 1000);
  return `INSERT INTO calls (id, account_id, agent_id, direction, from_number, to_number, status, outcome, sentiment, duration, answered_at, converted, payout, provider, max_duration, created_at, updated_at, variables, metadata)
WITH RECURSIVE n(i) AS (SELECT ${offset} UNION ALL SELECT i + 1 FROM n WHERE i < ${offset + n - 1})
SELECT '${prefix}_' || i, '${account}', ${agentId ? `'${agentId}'` : 'NULL'},
  CASE WHEN i % 5 < 2 THEN 'inbound' ELSE 'outbound' END,
  '+1' || (CASE i % 4 WHEN 0 THEN '415' WHEN 1 THEN '212' WHEN 2 THEN '512' ELSE '305' END) || '555' || printf('%04d', i % 10000),
  '+16465550100',
  CASE WHEN i % 7 < 4 THEN 'completed' WHEN i % 7 = 4 THEN 'no_answer' WHEN i % 7 = 5 THEN 'busy' ELSE 'failed' END,
  CASE WHEN i % 7 < 4 THEN (CASE WHEN i % 9 = 0 THEN 'voicemail' ELSE 'completed' END) END,
  CASE WHEN i % 7 < 4 THEN (CASE i % 3 WHEN 0 THEN 'positive' WHEN 1 THEN 'neutral' ELSE 'negative' END) END,
  CASE WHEN i % 7 < 4 THEN 20 + (i * 37) % 600 END,
  CASE WHEN i % 7 < 4 THEN ${now} - (i * 331) % 34560000 + 5 END,
  CASE WHEN i % 7 < 4 AND i % 10 < 3 THEN 1 ELSE 0 END,
  CASE WHEN i % 7 < 4 AND i % 10 < 3 THEN 10 + (i % 5) * 8 END,
  'simulator', 1800, ${now} - (i * 331) % 34560000, ${now}, '{}', '{}'
FROM n;`;
}

export async function benchReporting({ quick = false } = {}) {
  const server = await startServer({ port: benchPort(Number(process.env.BENCH_PORT ?? 8850), 6) });
  try {
    const limits = { reporting_per_minute: 1_000_000, api_per_minute: 1_000_000 };
    const acct = await seedAccount(server.base, { limits });
    const others = [];
    for (let i = 0; i < 9; i++) others.push(await seedAccount(server.base, { limits }));
    const perAccount = 100_000;
    const t0 = performance.now();
    const file = join(tmpdir(), `callplane-bench-reporting-${process.pid}.sql`);
    // Batches of 100 000 rows: the asking account first, then nine others (1 000 000 in all).
    for (const [k, a] of [acct, ...others].entries()) {
      writeFileSync(file, insertCalls(a.account.id, a.agentId, `bench${k}`, perAccount, 0));
      server.sql(file, a.shard);
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    const rows = [];
    const health = await latency(`${server.base}/healthz`, {}, { requests: quick ? 20 : 200, warmup: 20 });
    rows.push({
      question: '/healthz (same server)',
      answered: '-',
      p50_ms: fmt(health.p50),
      p99_ms: fmt(health.p99),
      errors: health.errors,
    });
    for (const q of QUESTIONS) {
      let sample = null;
      const r = await latency(
        `${server.base}/reporting_ai/query`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${acct.key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: q }),
        },
        {
          requests: quick ? 5 : 20,
          warmup: 2,
          onBody: (b) => {
            sample ??= b;
          },
        },
      );
      const answered = (() => {
        try {
          return JSON.parse(sample).sql !== null;
        } catch {
          return false;
        }
      })();
      rows.push({ question: q, answered, p50_ms: fmt(r.p50), p99_ms: fmt(r.p99), errors: r.errors });
    }
    console.log(
      `\nReporting AI: ${perAccount.toLocaleString('en-US')} calls in the account, ${(perAccount * 10).toLocaleString('en-US')} in D1 (seeded in ${fmt(seedSeconds, 1)} s)`,
    );
    table(rows);
    console.log(
      `load average (1/5/15 min): ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const p50s = rows
      .filter((r) => r.answered !== '-')
      .map((r) => Number(r.p50_ms))
      .sort((a, b) => a - b);
    console.log(
      `median of the per-question p50s: ${fmt(p50s[Math.floor(p50s.length / 2)])} ms (goal ≤ 50 ms)`,
    );
  } finally {
    server.stop();
  }
}
