// Issue #15 growth: retention (settings, bounded cron purge, CallSession storage cleanup), account
// deletion (every row of every account_id table, every object, every KV entry; the other tenant intact)
// and D1 sessions (the X-D1-Bookmark header).
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatcherFor, exchangeFor, limiterFor, sessionFor } from '../../src/durable-objects/stubs';
import worker from '../../src/index';
import { systemCtx } from '../../src/services/context';
import { purgeExpired } from '../../src/services/retention';
import {
  ADMIN_TOKEN,
  BASE,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  type TestAccount,
  uniqueNumber,
} from '../helpers/harness';
import { installProviderFixtures, twilioFixtureAccount } from '../helpers/provider-fixtures';
import { installReceiver, receiverUrl, waitFor } from '../helpers/receiver';
import { perShard, shardsDb } from '../helpers/shards';
import { DIRECTORY_TABLES } from '../../src/services/account-deletion';

beforeAll(() => installReceiver());

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);
const q = async <T = Record<string, unknown>>(sqlText: string, ...binds: unknown[]) =>
  (
    await shardsDb
      .prepare(sqlText)
      .bind(...binds)
      .all<T>()
  ).results;
const exists = async (table: string, id: string) =>
  (await q(`SELECT 1 FROM ${table} WHERE id = ?`, id)).length === 1;

describe('retention settings', () => {
  it('defaults, changes through the API (audited), and a bad value is a 400 that stores nothing', async () => {
    const a = await createRoomyAccount();
    const got = await request('GET', '/v1/account/settings', { key: a.key });
    expect(got.status).toBe(200);
    expect(got.body.retention).toEqual({
      events_days: 30,
      webhook_deliveries_days: 30,
      rtb_bids_days: 90,
      calls_days: null,
    });
    const bad = await request('PATCH', '/v1/account/settings', {
      key: a.key,
      body: { retention: { events_days: 7, rtb_bids_days: 0 } },
    });
    expect(bad.status).toBe(400);
    expect(expectEnvelope(bad).param).toBe('retention.rtb_bids_days');
    expect((await request('GET', '/v1/account/settings', { key: a.key })).body.retention.events_days).toBe(
      30,
    );
    for (const body of [
      { retention: { calls: 3 } },
      { retention: { events_days: 1.5 } },
      { retention: 'x' },
    ]) {
      const r = await request('PATCH', '/v1/account/settings', { key: a.key, body });
      expect(r.status).toBe(400);
    }

    const ok = await request('PATCH', '/v1/account/settings', {
      key: a.key,
      body: { retention: { events_days: 7, calls_days: 400 } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.retention).toEqual({
      events_days: 7,
      webhook_deliveries_days: 30,
      rtb_bids_days: 90,
      calls_days: 400,
    });
    const again = await request('PATCH', '/v1/account/settings', {
      key: a.key,
      body: { retention: { calls_days: null } },
    });
    expect(again.body.retention.calls_days).toBeNull();
    expect(again.body.retention.events_days).toBe(7);
    const audit = await request('GET', '/v1/audit_events?resource_type=account_settings', { key: a.key });
    expect(audit.body.data.map((e: any) => e.data.retention)).toEqual(
      expect.arrayContaining([{ events_days: 7, calls_days: 400 }, { calls_days: null }]),
    );
  });
});

/** Rows of every kind retention covers, created `ageDays` ago, straight into D1. */
async function seed(accountId: string, endpointId: string, tag: string, ageDays: number, pending = false) {
  const at = now() - ageDays * DAY;
  const id = (p: string) => `${p}_${tag}_${crypto.randomUUID().slice(0, 8)}`;
  const ids = { event: id('evt'), delivery: id('dlv'), attempt: id('att'), bid: id('bid'), call: id('call') };
  await shardsDb.batch([
    shardsDb
      .prepare(
        `INSERT INTO events (id, account_id, type, data, created_at, created_at_ms) VALUES (?, ?, 'call.completed', '{}', ?, ?)`,
      )
      .bind(ids.event, accountId, at, at * 1000),
    shardsDb
      .prepare(
        `INSERT INTO deliveries (id, account_id, event_id, endpoint_id, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)`,
      )
      .bind(ids.delivery, accountId, ids.event, endpointId, pending ? 'pending' : 'succeeded', at),
    shardsDb
      .prepare(
        `INSERT INTO delivery_attempts (id, delivery_id, attempted_at, status_code, latency_ms) VALUES (?, ?, ?, 200, 5)`,
      )
      .bind(ids.attempt, ids.delivery, at),
    shardsDb
      .prepare(
        `INSERT INTO rtb_bids (id, account_id, endpoint_id, eligible_count, created_at) VALUES (?, ?, 'rtbe_x', 1, ?)`,
      )
      .bind(ids.bid, accountId, at),
    shardsDb
      .prepare(
        `INSERT INTO calls (id, account_id, direction, to_number, status, provider, max_duration, created_at, ended_at, updated_at)
       VALUES (?, ?, 'outbound', '+14155550000', 'completed', 'simulator', 60, ?, ?, ?)`,
      )
      .bind(ids.call, accountId, at, at + 60, at),
  ]);
  return ids;
}

async function present(ids: Awaited<ReturnType<typeof seed>>) {
  return {
    event: await exists('events', ids.event),
    delivery: await exists('deliveries', ids.delivery),
    attempt: await exists('delivery_attempts', ids.attempt),
    bid: await exists('rtb_bids', ids.bid),
    call: await exists('calls', ids.call),
  };
}

describe('retention purge (cron)', () => {
  it('deletes exactly what each account’s settings call old, in bounded batches', async () => {
    const a = await createRoomyAccount(); // defaults: events/deliveries 30 d, bids 90 d, calls kept
    const b = await createRoomyAccount(); // events 5 d, deliveries 3 d, bids 10 d, calls 20 d
    await request('PATCH', '/v1/account/settings', {
      key: b.key,
      body: { retention: { events_days: 5, webhook_deliveries_days: 3, rtb_bids_days: 10, calls_days: 20 } },
    });
    const ep = async (acct: TestAccount) =>
      (
        await request('POST', '/v1/webhook_endpoints', {
          key: acct.key,
          body: { url: receiverUrl('retention') },
        })
      ).body.id as string;
    const epA = await ep(a);
    const epB = await ep(b);
    const rows = {
      a1: await seed(a.id, epA, 'a1', 1),
      a40: await seed(a.id, epA, 'a40', 40),
      a100: await seed(a.id, epA, 'a100', 100),
      a40pending: await seed(a.id, epA, 'a40p', 40, true),
      b1: await seed(b.id, epB, 'b1', 1),
      b4: await seed(b.id, epB, 'b4', 4),
      b8: await seed(b.id, epB, 'b8', 8),
      b30: await seed(b.id, epB, 'b30', 30),
    };

    // A budget of one row per table per run: the first run deletes at most one of each.
    const small = systemCtx({ ...env, RETENTION_BATCH: '1' });
    // The cron runs per shard (the accounts may be on either): the budget holds on each.
    for (const shard of perShard(small)) {
      const first = await purgeExpired(shard);
      expect(first.events).toBeLessThanOrEqual(1);
      expect(first.deliveries).toBeLessThanOrEqual(2); // one by delivery age, one with its event
      expect(first.rtb_bids).toBeLessThanOrEqual(1);
      expect(first.calls).toBeLessThanOrEqual(1);
    }
    // Runs of the real cron until nothing is left to do.
    for (let i = 0; i < 20; i++) {
      let r = { events: 0, deliveries: 0, rtb_bids: 0, calls: 0 };
      for (const shard of perShard(small)) {
        const one = await purgeExpired(shard);
        r = {
          events: r.events + one.events,
          deliveries: r.deliveries + one.deliveries,
          rtb_bids: r.rtb_bids + one.rtb_bids,
          calls: r.calls + one.calls,
        };
      }
      if (r.events + r.deliveries + r.rtb_bids + r.calls === 0) break;
    }
    await worker.scheduled(
      { cron: '*/5 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController,
      env,
    );

    const all = { event: true, delivery: true, attempt: true, bid: true, call: true };
    expect(await present(rows.a1)).toEqual(all);
    // 40 days: events and deliveries (30) go; the bid (90) and the call (kept) stay.
    expect(await present(rows.a40)).toEqual({
      event: false,
      delivery: false,
      attempt: false,
      bid: true,
      call: true,
    });
    expect(await present(rows.a100)).toEqual({
      event: false,
      delivery: false,
      attempt: false,
      bid: false,
      call: true,
    });
    // A delivery still pending is never purged, nor the event it belongs to.
    expect(await present(rows.a40pending)).toMatchObject({ event: true, delivery: true, attempt: true });
    expect(await present(rows.b1)).toEqual(all);
    // 4 days: deliveries (3) go, the event (5) stays.
    expect(await present(rows.b4)).toEqual({
      event: true,
      delivery: false,
      attempt: false,
      bid: true,
      call: true,
    });
    expect(await present(rows.b8)).toEqual({
      event: false,
      delivery: false,
      attempt: false,
      bid: true,
      call: true,
    });
    expect(await present(rows.b30)).toEqual({
      event: false,
      delivery: false,
      attempt: false,
      bid: false,
      call: false,
    });
  });
});

describe('ended CallSession storage', () => {
  it('is deleted with its alarm after the grace period, not before; the call stays readable', async () => {
    const a = await createRoomyAccount();
    const placed = await request('POST', '/v1/call', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipient_phone: uniqueNumber('+1646'),
        metadata: { simulate: { talk_seconds: 10, ring_seconds: 0 } },
      },
    });
    const id = placed.body.call_id as string;
    await waitFor(
      async () => (await request('GET', `/v1/calls/${id}`, { key: a.key })).body.status === 'completed',
      {
        what: 'the call to complete',
      },
    );
    const stub = sessionFor(env, id);
    const GRACE_MS = 7 * DAY * 1000;
    // Settled: the session's outbox has drained (call.completed is in D1).
    await waitFor(
      () =>
        runInDurableObject(stub, async (_i, state: DurableObjectState) => {
          const s = await state.storage.get<any>('state');
          return s?.outbox?.length === 0;
        }),
      { what: 'an empty outbox' },
    );
    const before = await runInDurableObject(stub, async (_i, state: DurableObjectState) => ({
      state: await state.storage.get<any>('state'),
      alarm: await state.storage.getAlarm(),
    }));
    expect(before.state.status).toBe('completed');
    expect(before.alarm).toBe(before.state.endedAtMs + GRACE_MS);

    // Inside the grace period the alarm deletes nothing (and re-arms).
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(
      await runInDurableObject(stub, (_i, state: DurableObjectState) => state.storage.get('state')),
    ).toBeTruthy();

    // Past it: the storage and the alarm are gone.
    await runInDurableObject(stub, async (_i, state: DurableObjectState) => {
      const s = await state.storage.get<any>('state');
      await state.storage.put('state', { ...s, endedAtMs: Date.now() - GRACE_MS - 1000 });
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await runInDurableObject(stub, async (_i, state: DurableObjectState) => ({
      keys: (await state.storage.list()).size,
      alarm: await state.storage.getAlarm(),
    }));
    expect(after).toEqual({ keys: 0, alarm: null });
    const call = await request('GET', `/v1/calls/${id}`, { key: a.key });
    expect(call.status).toBe(200);
    expect(call.body.status).toBe('completed');
  });
});

describe('D1 sessions (read replicas)', () => {
  it('answers carry X-D1-Bookmark, a sent bookmark is accepted back, a malformed one is a 400', async () => {
    const a = await createRoomyAccount();
    const write = await request('POST', '/v1/agents', {
      key: a.key,
      body: { name: 'Bookmarked', prompt: 'Hello' },
    });
    expect(write.status).toBe(201);
    const bookmark = write.headers.get('X-D1-Bookmark');
    expect(bookmark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
    const read = await request('GET', `/v1/agents/${write.body.id}`, {
      key: a.key,
      headers: { 'X-D1-Bookmark': bookmark! },
    });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Bookmarked');
    // The session continues from the bookmark: never older than the one sent.
    const back = read.headers.get('X-D1-Bookmark')!;
    expect(back >= bookmark!).toBe(true);
    for (const bad of ['garbage', `${bookmark}x`, 'x'.repeat(5000), '00000000-00000000-00000000-zz']) {
      const r = await request('GET', '/v1/agents', { key: a.key, headers: { 'X-D1-Bookmark': bad } });
      expect(r.status).toBe(400);
      expect(expectEnvelope(r).param).toBe('X-D1-Bookmark');
    }
    // A write with a malformed bookmark stores nothing.
    const refused = await request('POST', '/v1/agents', {
      key: a.key,
      headers: { 'X-D1-Bookmark': 'nope' },
      body: { name: 'Never', prompt: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(await q('SELECT 1 FROM agents WHERE account_id = ? AND name = ?', a.id, 'Never')).toHaveLength(0);
  });
});

/** Rows per account_id table for one account. */
async function rowsPerTable(accountId: string, tables: string[]) {
  const out: Record<string, number> = {};
  for (const t of tables)
    out[t] = DIRECTORY_TABLES.includes(t)
      ? // The directory (placement, number claims) is on DB whichever shard the account is on.
        (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE account_id = ?`)
          .bind(accountId)
          .first<{ n: number }>())!.n
      : (await q<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t} WHERE account_id = ?`, accountId))[0].n;
  return out;
}

/** Every user table of a Durable Object's storage (schema tables excepted) and its KV entries. */
const doContents = (stub: DurableObjectStub) =>
  runInDurableObject(stub, async (_i, state: DurableObjectState) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != '_migrations'",
      )
      .toArray()
      .map((r) => r.name);
    let rows = 0;
    for (const t of tables) rows += sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM "${t}"`).one().n;
    return { rows, kv: (await state.storage.list()).size, alarm: await state.storage.getAlarm() };
  });

/** Tables with no account_id column: the account row itself, and children reached through a parent. */
const NOT_ACCOUNT_TABLES = [
  'accounts',
  'delivery_attempts',
  'simulator_dials',
  'd1_migrations',
  'nanp_area_codes',
];

describe('account deletion', () => {
  it('removes every row, object and KV entry of the account; keys stop at once; the other account is intact', async () => {
    const a = await createRoomyAccount();
    const b = await createRoomyAccount();
    const made = async (
      acct: TestAccount,
      path: string,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      const r = await request('POST', path, { key: acct.key, body, headers });
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.text}`);
      return r.body;
    };
    const populate = async (acct: TestAccount) => {
      const hook = await made(acct, '/v1/webhook_endpoints', { url: receiverUrl('deletion') });
      await made(acct, '/v1/suppressions', {
        phone: uniqueNumber('+1415'),
        channel: 'all',
        reason: 'opted_out',
      });
      const sid = `AC${crypto.randomUUID().replaceAll('-', '')}`;
      installProviderFixtures();
      twilioFixtureAccount(sid, [[sid, 'deletion_test_token_0001']]);
      const creds = await request('PUT', '/v1/provider_credentials/twilio', {
        key: acct.key,
        body: { account_sid: sid, auth_token: 'deletion_test_token_0001' },
      });
      if (creds.status >= 300) throw new Error(`provider_credentials: ${creds.status} ${creds.text}`);
      const call = await made(
        acct,
        '/v1/call',
        {
          agent_id: acct.agentId,
          recipient_phone: uniqueNumber('+1646'),
          metadata: { simulate: { talk_seconds: 5, ring_seconds: 0 } },
        },
        { 'Idempotency-Key': `del-${crypto.randomUUID()}` },
      );
      const live = await made(acct, '/v1/call', {
        agent_id: acct.agentId,
        recipient_phone: uniqueNumber('+1646'),
        metadata: { simulate: { ring_seconds: 600 } },
      });
      const batch = await made(acct, '/v1/calls/batch', {
        agent_id: acct.agentId,
        recipients: [{ phone: uniqueNumber('+1212') }],
        schedule_at: now() + DAY,
      });
      await made(acct, '/v1/messages', {
        agent_id: acct.agentId,
        to_number: uniqueNumber('+1917'),
        message_type: 'template',
        content: { name: 'order_update', language: 'en', parameters: ['A'] },
      });
      await made(acct, '/v1/simulator/whatsapp_messages', { from: uniqueNumber('+1917'), text: 'hi' });
      const lead = await request(
        'POST',
        `/call-data?moja_auth_key=${encodeURIComponent(acct.webhookAuthKey)}`,
        {
          body: { caller_id: uniqueNumber('+1555'), lead_score: 5 },
          headers: { 'Idempotency-Key': `lead-${crypto.randomUUID()}` },
        },
      );
      expect(lead.status).toBe(200);
      const rtb = await made(acct, '/v1/rtb_endpoints', { name: 'Pub' });
      await made(acct, `/v1/rtb_endpoints/${rtb.id}/routes`, {
        buyer: 'B',
        number: uniqueNumber('+1555'),
        payout: 9,
      });
      const pinged = await request('GET', `/inbound_rtb/${rtb.rtb_id}?caller_id=${uniqueNumber('+1555')}`);
      expect(pinged.status).toBe(200);
      await runDurableObjectAlarm(exchangeFor(env, acct.id)); // bids reach D1
      await made(acct, '/reporting_ai/query', {
        query: 'How many calls did we make?',
        session_id: `s_${acct.id}`,
      });
      await made(acct, '/v1/api_keys', { name: 'second' }); // a key and an audit entry
      const link = await request('POST', `/admin/accounts/${acct.id}/clerk_links`, {
        key: ADMIN_TOKEN,
        body: { subject: `org_${crypto.randomUUID()}` },
      });
      expect(link.status).toBe(201);
      const signIn = await request('POST', '/dashboard/sign_in', {
        raw: new URLSearchParams({ api_key: acct.key }),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
      });
      expect(signIn.status).toBe(303);
      const cookie = /cp_session=([^;]+)/.exec(signIn.headers.get('Set-Cookie') ?? '')?.[1];
      await waitFor(
        async () =>
          (await q("SELECT 1 FROM calls WHERE id = ? AND status = 'completed'", call.call_id)).length === 1 &&
          (
            await q(
              'SELECT 1 FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.account_id = ?',
              acct.id,
            )
          ).length > 0,
        { what: 'a completed call with delivered webhooks', timeout: 20_000 },
      );
      return {
        hook,
        callId: call.call_id,
        liveId: live.call_id,
        batchId: batch.batch_id,
        rtbId: rtb.rtb_id,
        cookie,
      };
    };
    const da = await populate(a);
    const db = await populate(b);
    // A call-event delivery applied (ingest_events) for the first account.
    const ev = await request('POST', '/v2/webhooks/call-events', {
      raw: JSON.stringify({
        event: {
          type: 'call.initiate',
          data: { call: { id: `ext_${crypto.randomUUID()}`, status: 'initiated' } },
        },
      }),
      headers: {
        'Content-Type': 'application/json',
        'x-public-key': a.ingestPublicKey,
        'x-private-key': a.ingestPrivateKey,
      },
    });
    expect(ev.status).toBeLessThan(300);

    // Every table of the database either carries account_id or is a known child/global table:
    // a new table without account_id fails here until deletion (and this list) handle it.
    const all = (
      await q<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
    ).map((r) => r.name);
    const tables: string[] = [];
    for (const t of all)
      if ((await q<{ name: string }>(`PRAGMA table_info(${t})`)).some((c) => c.name === 'account_id'))
        tables.push(t);
    expect(all.filter((t) => !tables.includes(t) && !NOT_ACCOUNT_TABLES.includes(t))).toEqual([]);

    // The test covers every table: the account has rows in each one before it is deleted.
    const beforeA = await rowsPerTable(a.id, tables);
    expect(Object.entries(beforeA).filter(([, n]) => n === 0)).toEqual([]);
    const beforeB = await rowsPerTable(b.id, tables);
    const callIdsA = (await q<{ id: string }>('SELECT id FROM calls WHERE account_id = ?', a.id)).map(
      (r) => r.id,
    );
    const deliveryIdsA = (
      await q<{ id: string }>('SELECT id FROM deliveries WHERE account_id = ?', a.id)
    ).map((r) => r.id);
    expect(
      (
        await q(
          `SELECT 1 FROM simulator_dials WHERE call_id IN (${callIdsA.map(() => '?').join(',')})`,
          ...callIdsA,
        )
      ).length,
    ).toBeGreaterThan(0);
    expect((await env.KV.list({ prefix: `session:sess_${a.id}.` })).keys.length).toBe(1);
    expect(await env.KV.get(`rtb:${da.rtbId}`)).not.toBeNull();
    expect((await doContents(sessionFor(env, da.liveId))).kv).toBeGreaterThan(0);
    expect((await doContents(dispatcherFor(env, da.batchId))).rows).toBeGreaterThan(0);
    expect((await doContents(limiterFor(env, a.id))).rows).toBeGreaterThan(0);
    expect((await doContents(exchangeFor(env, a.id))).rows).toBeGreaterThan(0);

    const del = await request('DELETE', `/admin/accounts/${a.id}`, { key: ADMIN_TOKEN });
    expect(del.status).toBe(200);
    expect(del.body.deleted).toBe(true);

    // Nothing of it is left in D1 …
    expect(await rowsPerTable(a.id, tables)).toEqual(Object.fromEntries(tables.map((t) => [t, 0])));
    expect(await q('SELECT 1 FROM accounts WHERE id = ?', a.id)).toHaveLength(0);
    const marks = (ids: string[]) => ids.map(() => '?').join(',');
    expect(
      await q(
        `SELECT 1 FROM delivery_attempts WHERE delivery_id IN (${marks(deliveryIdsA)})`,
        ...deliveryIdsA,
      ),
    ).toHaveLength(0);
    expect(
      await q(`SELECT 1 FROM simulator_dials WHERE call_id IN (${marks(callIdsA)})`, ...callIdsA),
    ).toHaveLength(0);
    // … nor in KV …
    expect((await env.KV.list({ prefix: `session:sess_${a.id}.` })).keys).toEqual([]);
    expect(await env.KV.get(`rtb:${da.rtbId}`)).toBeNull();
    // … nor in its Durable Objects.
    for (const callId of callIdsA)
      expect(await doContents(sessionFor(env, callId))).toEqual({ rows: 0, kv: 0, alarm: null });
    expect(await doContents(dispatcherFor(env, da.batchId))).toMatchObject({ rows: 0, kv: 0, alarm: null });
    expect(await doContents(limiterFor(env, a.id))).toMatchObject({ rows: 0, alarm: null });
    // The exchange keeps one marker (no account data) so isolates that cached a route set get a 404.
    expect(await doContents(exchangeFor(env, a.id))).toEqual({ rows: 0, kv: 1, alarm: null });
    expect(await doContents(limiterFor(env, a.id))).toEqual({ rows: 0, kv: 0, alarm: null });

    // Its keys and sessions stop at once; its RTB endpoint no longer answers.
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(401);
    expect(
      (
        await request('GET', '/v1/agents', {
          headers: { Cookie: `cp_session=${da.cookie}`, 'X-CSRF-Token': 'x' },
        })
      ).status,
    ).toBe(401);
    expect((await request('GET', `/admin/accounts/${a.id}`, { key: ADMIN_TOKEN })).status).toBe(404);
    expect((await request('DELETE', `/admin/accounts/${a.id}`, { key: ADMIN_TOKEN })).status).toBe(404);
    expect((await request('GET', `/inbound_rtb/${da.rtbId}?caller_id=%2B15551230000`)).status).toBe(404);

    // The other account is intact.
    expect(await rowsPerTable(b.id, tables)).toEqual(beforeB);
    expect((await request('GET', '/v1/agents', { key: b.key })).status).toBe(200);
    expect((await request('GET', `/v1/calls/${db.liveId}`, { key: b.key })).body.status).not.toBe('failed');
    expect((await doContents(sessionFor(env, db.liveId))).kv).toBeGreaterThan(0);
    expect((await doContents(dispatcherFor(env, db.batchId))).rows).toBeGreaterThan(0);
    expect((await env.KV.list({ prefix: `session:sess_${b.id}.` })).keys.length).toBe(1);
    expect(await env.KV.get(`rtb:${db.rtbId}`)).not.toBeNull();
  });
});

describe('found by the scale bench', () => {
  const chunked = (text: string) =>
    new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(text));
        c.close();
      },
    });
  it('a chunked body (no Content-Length) on the incoming webhooks is read, not a 500', async () => {
    const a = await createRoomyAccount();
    const path = `/call-data?moja_auth_key=${encodeURIComponent(a.webhookAuthKey)}`;
    const ok = await request('POST', path, {
      raw: chunked(JSON.stringify({ caller_id: '+14152000001', lead_score: 50 })),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(ok.status).toBe(200);
    const big = await request('POST', path, {
      raw: chunked(JSON.stringify({ caller_id: '+14152000001', note: 'x'.repeat(300 * 1024) })),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(big.status).toBe(413);
    const events = await request('POST', '/v2/webhooks/call-events', {
      raw: chunked(
        JSON.stringify({
          event: { type: 'call.initiate', data: { call: { id: `ext_${crypto.randomUUID()}` } } },
        }),
      ),
      headers: {
        'Content-Type': 'application/json',
        'x-public-key': a.ingestPublicKey,
        'x-private-key': a.ingestPrivateKey,
      },
    });
    expect(events.status).toBeLessThan(500);
  });
});
