// Issue 14: Reporting AI answer latency with 100 000 calls in the asking account and 1 000 000 calls in
// the database across accounts, seeded into the server's local D1 in batches of 100 000 rows (one
// INSERT … SELECT over a recursive counter each). Questions go through POST /reporting_ai/query with the
// built-in translator; the views read calls through the (account_id, created_at…) covering index.
// Questions (bench/reporting-questions.json): `period` ones read about a month (≈ 7 500 rows), `year` ones
// up to every call of the account. With BENCH_BASELINE=<a clone of another commit, with node_modules> a
// second server runs that code on the same seeded data and requests alternate between the two (A/B in
// one run, as the machine's load moves); the load average is printed with the figures.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, latency, table } from './lib/measure.mjs';
import { benchPort, seedAccount, startServer } from './lib/server.mjs';

/** One INSERT of `n` calls for `account` spread over the last 400 days, statuses and payouts varied. */
export function insertCalls(account, agentId, prefix, n, offset, now = Math.floor(Date.now() / 1000)) {
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

const QUESTIONS = JSON.parse(readFileSync(new URL('./reporting-questions.json', import.meta.url), 'utf8'));

// One reference second for both servers, so their data (and so their answers) are the same.
const SEEDED_AT = Math.floor(Date.now() / 1000);

async function seeded(port, cwd) {
  const server = await startServer({ port, cwd });
  const limits = { reporting_per_minute: 1_000_000, api_per_minute: 1_000_000 };
  const accounts = [];
  for (let i = 0; i < 10; i++) accounts.push(await seedAccount(server.base, { limits }));
  const t0 = performance.now();
  const file = join(tmpdir(), `callplane-bench-reporting-${process.pid}-${port}.sql`);
  // Batches of 100 000 rows: the asking account first, then nine others (1 000 000 in all).
  for (const [k, a] of accounts.entries()) {
    writeFileSync(file, insertCalls(a.account.id, a.agentId, `bench${k}`, PER_ACCOUNT, 0, SEEDED_AT));
    server.sql(file, a.shard);
  }
  return { server, acct: accounts[0], seedSeconds: (performance.now() - t0) / 1000 };
}

const PER_ACCOUNT = 100_000;

/** The answer's `data` with the SQL's literal times dropped: what must match between A and B. */
const answerOf = (body) => {
  try {
    const j = JSON.parse(body);
    return JSON.stringify({ answer: j.answer, data: j.data });
  } catch {
    return body;
  }
};

export async function benchReporting({ quick = false } = {}) {
  const baseline = process.env.BENCH_BASELINE;
  const sides = [{ name: 'this', cwd: process.cwd() }];
  if (baseline) sides.unshift({ name: 'baseline', cwd: baseline });
  const started = [];
  try {
    for (const [i, side] of sides.entries()) {
      const s = await seeded(benchPort(Number(process.env.BENCH_PORT ?? 8850), 6 + i), side.cwd);
      started.push({ ...side, ...s });
    }
    const n = quick ? 5 : 20;
    const rows = [];
    // /healthz of each server, alternating.
    const health = started.map(() => []);
    for (let i = 0; i < (quick ? 20 : 200) + 20; i++)
      for (const [k, s] of started.entries()) {
        const r = await latency(`${s.server.base}/healthz`, {}, { requests: 1, warmup: 0 });
        if (i >= 20) health[k].push(r.p50);
      }
    const pct = (xs, p) => {
      const v = [...xs].sort((a, b) => a - b);
      return v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];
    };
    rows.push({
      set: '-',
      question: '/healthz (same server)',
      ...Object.fromEntries(
        started.flatMap((s, k) => [
          [`${s.name}_p50`, fmt(pct(health[k], 50))],
          [`${s.name}_p99`, fmt(pct(health[k], 99))],
        ]),
      ),
      errors: 0,
      same_answer: '-',
    });
    for (const set of ['period', 'year'])
      for (const q of QUESTIONS[set]) {
        const times = started.map(() => []);
        const bodies = started.map(() => null);
        let errors = 0;
        for (let i = 0; i < n + 2; i++)
          for (const [k, s] of started.entries()) {
            const r = await latency(
              `${s.server.base}/reporting_ai/query`,
              {
                method: 'POST',
                headers: { Authorization: `Bearer ${s.acct.key}`, 'Content-Type': 'application/json' },
                body: JSON.stringify({ query: q }),
              },
              { requests: 1, warmup: 0, onBody: (b) => (bodies[k] ??= b) },
            );
            errors += r.errors;
            if (i >= 2) times[k].push(r.p50);
          }
        const answered = (() => {
          try {
            return JSON.parse(bodies.at(-1)).sql !== null;
          } catch {
            return false;
          }
        })();
        rows.push({
          set,
          question: answered ? q : `${q} (declined)`,
          ...Object.fromEntries(
            started.flatMap((s, k) => [
              [`${s.name}_p50`, fmt(pct(times[k], 50))],
              [`${s.name}_p99`, fmt(pct(times[k], 99))],
            ]),
          ),
          errors,
          same_answer: started.length > 1 ? answerOf(bodies[0]) === answerOf(bodies[1]) : '-',
        });
      }
    console.log(
      `\nReporting AI: ${PER_ACCOUNT.toLocaleString('en-US')} calls in the account, ${(PER_ACCOUNT * 10).toLocaleString('en-US')} in D1; seeding took ${started.map((s) => `${fmt(s.seedSeconds, 1)} s (${s.name})`).join(', ')}; ${n} requests per question per server${started.length > 1 ? ', alternating' : ''}`,
    );
    table(rows);
    console.log(
      `load average (1/5/15 min): ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const s of started)
      for (const set of ['period', 'year']) {
        const p50s = rows
          .filter((r) => r.set === set)
          .map((r) => Number(r[`${s.name}_p50`]))
          .sort((a, b) => a - b);
        console.log(
          `${s.name}, ${set} questions: median of the per-question p50s ${fmt(p50s[Math.floor(p50s.length / 2)])} ms, worst ${fmt(p50s.at(-1))} ms (goal p50 ≤ 50 ms)`,
        );
      }
  } finally {
    for (const s of started) s.server.stop();
  }
}
