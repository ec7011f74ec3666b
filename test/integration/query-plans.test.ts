// Issue #15 "Indexes for every hot query": EXPLAIN QUERY PLAN over the SQL the code really issues, against
// the real migrations. Two sources: the builders of src/db/hot-queries.ts (the lookups behind auth, call
// events, provider callbacks and the batch dispatcher), and every statement the list operations send to
// D1 (captured from the binding while each list is asked with each of its filters and cursors). A plan
// with `SCAN <table>` (no index) fails, and so does a hot lookup that does not use the index meant for it.
import { describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:workers';
import { getDb } from '../../src/db/client';
import * as hot from '../../src/db/hot-queries';
import benchQuestions from '../../bench/reporting-questions.json';
import { boundSql, checkSql } from '../../src/reporting/guard';
import { systemCtx, withAccount } from '../../src/services/context';
import { runQuestion } from '../../src/services/reporting';
import { createAccount, request } from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

interface Built {
  toSQL(): { sql: string; params: unknown[] };
}

async function plan(sql: string, params: unknown[]): Promise<string[]> {
  const rows = await shardsDb
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params.map((p) => (p === undefined ? null : p)))
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

/** `SCAN t` without an index; a covering-index scan or a scan of a subquery's result is fine. */
const fullScans = (details: string[]) =>
  details.filter(
    (d) => /^SCAN (?!.*USING (COVERING )?INDEX)/.test(d) && !/^SCAN (CONSTANT ROW|\(subquery)/.test(d),
  );

describe('hot query plans', () => {
  const db = getDb(env.DB);
  const terminal = ['completed', 'failed', 'busy', 'no_answer', 'canceled'];
  const cases: Array<[string, Built, RegExp]> = [
    ['API key by hash', hot.keyByHash(db, 'h'), /api_keys_key_hash/],
    ['batch calls by status', hot.batchCallCounts(db, 'batch'), /calls_batch_status/],
    ['live calls of a batch', hot.liveBatchCalls(db, 'batch', terminal), /calls_batch_status/],
    [
      'call by runtime external id',
      hot.callForRuntimeEvent(db, 'acct', 'ext') as unknown as Built,
      /calls_provider_call_id/,
    ],
    [
      'call by Twilio CallSid',
      hot.callForProviderStatus(db, undefined, 'CA1') as unknown as Built,
      /calls_provider_call_id/,
    ],
    [
      'number by WhatsApp phone_number_id',
      hot.numberByWhatsappId(db, 'wa') as unknown as Built,
      /phone_numbers_whatsapp/,
    ],
    [
      'message by provider id',
      hot.messageByProviderId(db, 'wamid', 'acct') as unknown as Built,
      /messages_provider_id/,
    ],
  ];
  for (const [name, query, index] of cases) {
    it(`${name}: uses its index, no full scan`, async () => {
      const { sql, params } = query.toSQL();
      const details = await plan(sql, params);
      expect(fullScans(details), `${sql}\n${details.join('\n')}`).toEqual([]);
      expect(details.join('\n'), sql).toMatch(index);
    });
  }

  it('every statement the list operations issue (each filter, cursor and total) avoids full scans', async () => {
    // On DB, where the spies below listen (every shard has the same schema and indexes).
    const a = await createAccount('business', { shard: 'DB' });
    const agents = (await request('GET', '/v1/agents', { key: a.key })).body.data;
    const seen = new Map<string, unknown[]>();
    const spy = vi.spyOn(env.DB, 'prepare');
    // Request reads go through a D1 session (README "Read replicas"): capture its statements too.
    const captured: string[] = [];
    const withSession = env.DB.withSession.bind(env.DB);
    const sessionSpy = vi.spyOn(env.DB, 'withSession').mockImplementation((constraint) => {
      const session = withSession(constraint);
      return new Proxy(session, {
        get(target, key) {
          if (key === 'prepare')
            return (sql: string) => {
              captured.push(sql);
              return target.prepare(sql);
            };
          const v = Reflect.get(target, key, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    });
    const lists = [
      '/v1/agents?include_total=true',
      '/v1/agents?status=active',
      '/v1/phone_numbers?include_total=true',
      '/v1/calls?include_total=true',
      '/v1/calls?status=active',
      '/v1/calls?status=completed&agent_id=agent_x',
      `/v1/calls?agent_id=${agents[0].id}`,
      '/v1/calls?batch_id=batch_x',
      '/v1/calls?direction=inbound&from=1&to=2000000000',
      '/v1/batches?include_total=true',
      '/v1/events?include_total=true',
      '/v1/events?type=call.completed',
      '/v1/events?call_id=call_x',
      '/v1/messages?include_total=true',
      '/v1/messages?contact=%2B14155550100',
      '/v1/messages?direction=inbound&status=received',
      '/v1/webhook_endpoints?include_total=true',
      '/v1/rtb_endpoints?include_total=true',
      `/v1/agents?starting_after=${agents[0].id}&include_total=true`,
      `/v1/agents?ending_before=${agents[0].id}`,
      '/v1/audit_events',
    ];
    try {
      for (const path of lists) {
        spy.mockClear();
        captured.length = 0;
        const r = await request('GET', path, { key: a.key });
        expect([200, 404], path).toContain(r.status);
        for (const sql of [...spy.mock.calls.map(([x]) => x), ...captured.splice(0)])
          if (!seen.has(String(sql))) seen.set(String(sql), []);
      }
    } finally {
      sessionSpy.mockRestore();
      spy.mockRestore();
    }
    // Statements captured above without their bound values: explain them with NULLs (same plan shape).
    const bad: string[] = [];
    let listed = 0;
    for (const sql of seen.keys()) {
      if (!/^select/i.test(sql)) continue;
      listed++;
      const n = (sql.match(/\?/g) ?? []).length;
      const details = await plan(sql, Array(n).fill(null));
      if (fullScans(details).length) bad.push(`${sql}\n  ${details.join('\n  ')}`);
    }
    expect(listed).toBeGreaterThan(15);
    expect(bad, bad.join('\n\n')).toEqual([]);
  });
});

// Issue 14 "Speed": every question the reporting bench times (bench/reporting-questions.json), over a
// month and over a whole year of calls, reads calls only through the index that starts with
// (account_id, created_at) and a range on it — and from that index alone (COVERING, no lookup into the
// table per row), except a campaign question, which must read RTB calls' `rtb` JSON from the table. No
// view is copied whole first, and no name or place lookup is joined into a question that does not read it.
describe('reporting question plans', () => {
  const TZ = 'America/New_York';
  const NOW = Date.UTC(2026, 10, 21, 17);
  const asked = [...benchQuestions.period, ...benchQuestions.year];
  it.each(asked)('%s', async (q) => {
    const a = await createAccount('growth', { timezone: TZ });
    const res = await runQuestion(withAccount(systemCtx(env), { id: a.id, timezone: TZ }), q, null, NOW);
    expect(res.sql, q).toBeTruthy();
    const details = await plan(boundSql(res.sql!, checkSql(res.sql!)), [a.id]);
    const all = details.join('\n');
    // Subquery results (ranked, cur, prev) are scanned by design; calls itself never is.
    const readsOfCalls = details.filter((d) => /\b(?:SCAN|SEARCH) c\b/.test(d));
    expect(readsOfCalls.length, all).toBeGreaterThan(0);
    const covering = !/campaign/i.test(q);
    // A question with no period ("how many calls") reads every call of the account: any covering
    // index on account_id will do (SQLite picks the narrowest).
    const index = res.sql!.includes('created_at >=')
      ? 'calls_account_created_covering \\(account_id=\\? AND created_at>\\? AND created_at<\\?\\)'
      : 'calls_account_\\w+ \\(account_id=\\?\\)';
    for (const d of readsOfCalls)
      expect(d, all).toMatch(new RegExp(`^SEARCH c USING ${covering ? 'COVERING ' : ''}INDEX ${index}$`));
    expect(all).not.toMatch(/MATERIALIZE call_logs/);
    if (!/agent/i.test(q)) expect(all, 'agent lookup in a question without agents').not.toMatch(/ a USING/);
    if (!/state|country/i.test(q)) expect(all, 'area-code lookup without a place').not.toMatch(/ ac USING/);
  });
});
