import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  randomIp,
  request,
  type TestAccount,
} from '../helpers/harness';
import { waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

const callData = (
  acct: TestAccount,
  body: unknown,
  opts: { viaHeader?: boolean; raw?: string; type?: string; headers?: Record<string, string> } = {},
) =>
  request(
    'POST',
    opts.viaHeader ? '/call-data' : `/call-data?moja_auth_key=${encodeURIComponent(acct.webhookAuthKey)}`,
    {
      raw: opts.raw ?? JSON.stringify(body),
      headers: {
        'Content-Type': opts.type ?? 'application/json',
        ...(opts.viaHeader ? { 'X-Moja-Auth-Key': acct.webhookAuthKey } : {}),
        ...(opts.headers ?? {}),
      },
    },
  );

const callEvent = (acct: TestAccount, body: unknown, keys: { pub?: string; priv?: string } = {}) =>
  request('POST', '/v2/webhooks/call-events', {
    raw: typeof body === 'string' ? body : JSON.stringify(body),
    headers: {
      'Content-Type': 'application/json',
      'x-public-key': keys.pub ?? acct.ingestPublicKey,
      'x-private-key': keys.priv ?? acct.ingestPrivateKey,
    },
  });

const getCall = async (id: string, acct = a) =>
  (await request('GET', `/v1/calls/${id}`, { key: acct.key })).body;
const place = async (phone: string, simulate: Record<string, unknown> = { ring_seconds: 600 }) =>
  (
    await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: phone, metadata: { simulate } },
    })
  ).body.call_id as string;

// Moja's example, verbatim.
const MOJA = {
  caller_id: '+15551234567',
  lead_score: 85,
  customer_name: 'John Doe',
  custom_data: { source: 'landing_page', campaign: 'q1_promo' },
};

// Miraiminds' example, verbatim (call, analysis, credits and report under event.data and again under event).
const payload = {
  call: {
    id: 'call_123456',
    status: 'initiate',
    startedAt: '2023-11-07T05:31:56Z',
    endedAt: '2023-11-07T05:31:56Z',
    recordingUrl: '<string>',
    detailUrl: '<string>',
    durationSeconds: 45,
  },
  analysis: {
    success: true,
    summary: 'User expressed interest but requested a callback later.',
    requiredActions: ['<string>'],
    insights: { interested: true, callback_requested: true },
  },
  credits: { used: 1.5, available: 98.5 },
  report: { reAttemptCount: 123, rescheduledCount: 123 },
};
const MIRAI = { event: { type: 'call.initiate', data: payload, ...payload } };

describe('POST /call-data', () => {
  it("accepts Moja's example and answers its shape", async () => {
    const r = await callData(a, MOJA);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ success: true, caller_id: '+15551234567' });
    const viaHeader = await callData(a, { ...MOJA, lead_score: 86 }, { viaHeader: true });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get('RateLimit-Policy')).toBe('"webhooks";q=1000;w=60');
  });

  it('refuses a missing or wrong key with 401', async () => {
    expect((await request('POST', '/call-data', { body: MOJA })).status).toBe(401);
    const r = await request('POST', '/call-data?moja_auth_key=whk_wrong', { body: MOJA });
    expect(r.status).toBe(401);
    expect(expectEnvelope(r).code).toBe('unauthorized');
  });

  it('validates caller_id and the body', async () => {
    const bad = await callData(a, { lead_score: 3 });
    expect(expectEnvelope(bad).param).toBe('caller_id');
    expect(expectEnvelope(await callData(a, { caller_id: 'call me' })).param).toBe('caller_id');
    expect(expectEnvelope(await callData(a, { caller_id: '+15551234567', lead_score: 'high' })).param).toBe(
      'lead_score',
    );
    expect((await callData(a, null, { raw: '{"caller_id":' })).status).toBe(400);
    expect((await callData(a, null, { raw: 'caller_id=x', type: 'text/plain' })).status).toBe(400);
    const big = await callData(a, {
      caller_id: '+15551234567',
      custom_data: { blob: 'x'.repeat(300 * 1024) },
    });
    expect(big.status).toBe(413);
  });

  it('normalises NANP numbers and accepts form posts', async () => {
    const r = await callData(a, { caller_id: '(415) 555-0161', customer_name: 'Ann' });
    expect(r.body.caller_id).toBe('+14155550161');
    const form = await callData(a, null, {
      raw: 'caller_id=14155550162&customer_name=Bo',
      type: 'application/x-www-form-urlencoded',
    });
    expect(form.body).toEqual({ success: true, caller_id: '+14155550162' });
  });

  it('before a call: the next call carries it as caller_data and prompt variables', async () => {
    await callData(a, { caller_id: '+14155550163', customer_name: 'Grace', lead_score: 70, name: 'Grace' });
    await callData(a, { caller_id: '+14155550163', custom_data: { plan: 'gold' } });
    const id = await place('+14155550163', { talk_seconds: 20 });
    expect((await getCall(id)).caller_data).toEqual({
      customer_name: 'Grace',
      lead_score: 70,
      name: 'Grace',
      custom_data: { plan: 'gold' },
    });
    const done = await waitFor(
      async () => {
        const c = await getCall(id);
        return c.status === 'completed' && c;
      },
      { what: 'completion' },
    );
    expect(done.transcript[0].text).toBe('Hi Grace!'); // {{name}} filled from the lead
  });

  it('during a call: attached to the live call at once', async () => {
    const id = await place('+14155550164');
    await callData(a, { caller_id: '+14155550164', lead_score: 12 });
    expect((await getCall(id)).caller_data).toEqual({ lead_score: 12 });
    await request('POST', `/v1/calls/${id}/end`, { key: a.key });
  });

  it('after a call: attached to the most recent call of the last 24 h', async () => {
    const older = await place('+14155550165', { talk_seconds: 5 });
    const recent = await place('+14155550165', { talk_seconds: 5 });
    await shardsDb.prepare('UPDATE calls SET created_at = created_at - 10 WHERE id = ?').bind(older).run();
    await waitFor(
      async () =>
        (await getCall(recent)).status === 'completed' && (await getCall(older)).status === 'completed',
    );
    await callData(a, { caller_id: '+14155550165', outcome_note: 'bought' });
    expect((await getCall(recent)).caller_data).toEqual({ outcome_note: 'bought' });
    expect((await getCall(older)).caller_data).toBeNull();
  });

  it('fields merge, later wins, and a replayed delivery (same Idempotency-Key) changes nothing', async () => {
    const first = { caller_id: '+14155550166', lead_score: 10, custom_data: { a: 1 } };
    const key = { 'Idempotency-Key': `lead-${crypto.randomUUID()}` };
    expect((await callData(a, first, { headers: key })).status).toBe(200);
    await callData(a, { caller_id: '+14155550166', lead_score: 20, custom_data: { b: 2 } });
    // The same delivery again, e.g. a retry by the sender. (The same body without a key is a new update:
    // see test/integration/crash-batches-leads.test.ts, A → B → A.)
    expect((await callData(a, first, { headers: key })).status).toBe(200);
    const id = await place('+14155550166');
    expect((await getCall(id)).caller_data).toEqual({ lead_score: 20, custom_data: { a: 1, b: 2 } });
    await request('POST', `/v1/calls/${id}/end`, { key: a.key });
  });

  it('the 1 001st request in a minute is 429', async () => {
    const acct = await createAccount('growth');
    for (let i = 0; i < 1000; i += 50) {
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, j) => callData(acct, { caller_id: '+14155550167', n: i + j })),
      );
      for (const r of replies) expect(r.status).toBe(200);
    }
    const over = await callData(acct, { caller_id: '+14155550167', n: 'last' });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('rotating the auth key retires the old one at once', async () => {
    const acct = await createAccount('growth');
    const rotated = await request('POST', '/v1/account/credentials/webhook_auth_key/rotate', {
      key: acct.key,
    });
    expect(rotated.body.webhook_auth_key).toMatch(/^whk_/);
    expect((await callData(acct, MOJA)).status).toBe(401);
    expect((await callData({ ...acct, webhookAuthKey: rotated.body.webhook_auth_key }, MOJA)).status).toBe(
      200,
    );
  });
});

describe('POST /v2/webhooks/call-events', () => {
  it("accepts Miraiminds' example verbatim and registers the runtime's call", async () => {
    const r = await callEvent(a, MIRAI);
    expect(r.status, r.text).toBe(200);
    expect(r.text).toBe('Event received');
    const list = (await request('GET', '/v1/calls?limit=100', { key: a.key })).body.data;
    const call = list.find((c: any) => c.external?.credits);
    expect(call).toMatchObject({
      status: 'initiated',
      provider: 'external',
      summary: 'User expressed interest but requested a callback later.',
      analysis: {
        success: true,
        required_actions: ['<string>'],
        insights: { interested: true, callback_requested: true },
      },
      external: {
        detail_url: '<string>',
        credits: { used: 1.5, available: 98.5 },
        report: { reAttemptCount: 123, rescheduledCount: 123 },
      },
      started_at: Math.floor(Date.parse('2023-11-07T05:31:56Z') / 1000),
    });
  });

  it('drives the lifecycle by the runtime id, emits events, and a replay is a no-op', async () => {
    const id = `rt_${crypto.randomUUID()}`;
    const ev = (type: string, status: string, extra: Record<string, unknown> = {}) => ({
      event: { type, data: { call: { id, status, ...extra } } },
    });
    // The runtime's times: the call is registered as created when it started, so its end is not before it.
    expect(
      (await callEvent(a, ev('call.initiate', 'initiate', { startedAt: '2026-11-21T10:00:00Z' }))).status,
    ).toBe(200);
    expect((await callEvent(a, ev('call.status', 'in-progress'))).status).toBe(200);
    const done = ev('call.completed', 'completed', {
      durationSeconds: 45,
      recordingUrl: 'https://runtime.example/rec.mp3',
      endedAt: '2026-11-21T10:00:45Z',
    });
    done.event.data = { ...done.event.data, analysis: { summary: 'Booked a demo', success: true } } as any;
    expect((await callEvent(a, done)).status).toBe(200);
    const calls = (await request('GET', '/v1/calls?limit=100', { key: a.key })).body.data;
    const call = calls.find(
      (c: any) =>
        c.external === null &&
        c.provider === 'external' &&
        c.recording_url === 'https://runtime.example/rec.mp3',
    );
    expect(call).toMatchObject({
      status: 'completed',
      duration: 45,
      summary: 'Booked a demo',
      ended_at: Math.floor(Date.parse('2026-11-21T10:00:45Z') / 1000),
    });
    const types = async () =>
      ((await request('GET', `/v1/events?call_id=${call.id}`, { key: a.key })).body.data as any[])
        .map((e) => e.type)
        .reverse();
    await waitFor(async () => (await types()).includes('call.completed'));
    expect(await types()).toEqual(['call.connected', 'call.hangup', 'call.completed']);
    const completed = (
      await request('GET', `/v1/events?call_id=${call.id}&type=call.completed`, { key: a.key })
    ).body.data[0];
    expect(completed.data.call.summary).toBe('Booked a demo');

    const again = await callEvent(a, done);
    expect(again.status).toBe(200);
    expect(await types()).toEqual(['call.connected', 'call.hangup', 'call.completed']);
    // A late "in-progress" changes nothing either.
    await callEvent(a, ev('call.status', 'in-progress', { note: 'late' }));
    expect((await getCall(call.id)).status).toBe('completed');
  });

  it("addresses callplane's own calls by their id", async () => {
    const id = await place('+14155550170');
    await callEvent(a, { event: { type: 'call.status', data: { call: { id, status: 'connected' } } } });
    expect((await getCall(id)).status).toBe('in_progress');
    await callEvent(a, {
      event: { type: 'call.status', data: { call: { id, status: 'completed', durationSeconds: 12 } } },
    });
    expect(await getCall(id)).toMatchObject({ status: 'completed', duration: 12 });
  });

  it("another account's call is 404; an unknown call that is not starting is 404", async () => {
    const other = await createRoomyAccount();
    const theirs = (
      await request('POST', '/v1/call', {
        key: other.key,
        body: {
          agent_id: other.agentId,
          recipient_phone: '+14155550171',
          metadata: { simulate: { ring_seconds: 600 } },
        },
      })
    ).body.call_id;
    const r = await callEvent(a, {
      event: { type: 'call.completed', data: { call: { id: theirs, status: 'completed' } } },
    });
    expect(r.status).toBe(404);
    expect(expectEnvelope(r).param).toBe('event.data.call.id');
    expect((await getCall(theirs, other)).status).not.toBe('completed');
    expect(
      (
        await callEvent(a, {
          event: { type: 'call.completed', data: { call: { id: 'nope', status: 'completed' } } },
        })
      ).status,
    ).toBe(404);
  });

  it('wrong keys are 401', async () => {
    expect((await callEvent(a, MIRAI, { priv: 'pvk_wrong' })).status).toBe(401);
    expect((await callEvent(a, MIRAI, { pub: 'pk_wrong' })).status).toBe(401);
    const other = await createAccount('growth');
    expect((await callEvent(a, MIRAI, { pub: a.ingestPublicKey, priv: other.ingestPrivateKey })).status).toBe(
      401,
    );
  });

  it('malformed bodies are 400 with param', async () => {
    expect(expectEnvelope(await callEvent(a, { event: {} })).param).toBe('event.type');
    expect(expectEnvelope(await callEvent(a, { event: { type: 'call.initiate' } })).param).toBe(
      'event.data.call',
    );
    expect(
      expectEnvelope(
        await callEvent(a, { event: { type: 'x', data: { call: { id: 'a', startedAt: 'yesterday' } } } }),
      ).param,
    ).toBe('event.data.call.startedAt');
    expect((await callEvent(a, '{"event":')).status).toBe(400);
  });

  it('rotating the ingest keys retires the old pair', async () => {
    const acct = await createAccount('growth');
    const rotated = (await request('POST', '/v1/account/credentials/ingest_keys/rotate', { key: acct.key }))
      .body;
    expect((await callEvent(acct, MIRAI)).status).toBe(401);
    expect(
      (await callEvent(acct, MIRAI, { pub: rotated.ingest_public_key, priv: rotated.ingest_private_key }))
        .status,
    ).toBe(200);
  });
});

describe('fuzz', () => {
  const count = async (sql: string, id: string) =>
    (await shardsDb.prepare(sql).bind(id).first<{ n: number }>())!.n;
  const state = async (id: string) => [
    await count('SELECT COUNT(*) AS n FROM leads WHERE account_id = ?', id),
    await count('SELECT COUNT(*) AS n FROM ingest_events WHERE account_id = ?', id),
    await count('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?', id),
  ];
  const value = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom('+15551234567', 'initiate', 'completed', '2023-11-07T05:31:56Z', '', -1, 1e308),
  );
  const callish = fc.dictionary(
    fc.constantFrom('id', 'status', 'startedAt', 'endedAt', 'recordingUrl', 'detailUrl', 'durationSeconds'),
    value,
    { maxKeys: 5 },
  );
  const runtimeBody = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        event: fc.record(
          {
            type: fc.oneof(fc.string(), value),
            data: fc.oneof(fc.record({ call: callish, analysis: fc.jsonValue() }), value),
            call: callish,
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
  );
  const leadBody = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(
      fc.constantFrom('caller_id', 'lead_score', 'customer_name', 'custom_data', 'extra'),
      value,
      { maxKeys: 5 },
    ),
  );

  it('call-data: no 500, and a refused request writes nothing', async () => {
    const acct = await createAccount('enterprise', { limits: { webhooks_per_minute: 100_000 } });
    await fc.assert(
      fc.asyncProperty(leadBody, async (body) => {
        const before = await state(acct.id);
        const r = await request('POST', `/call-data?moja_auth_key=${acct.webhookAuthKey}`, {
          body,
          headers: { 'CF-Connecting-IP': randomIp() },
        });
        expect(r.status, r.text).toBeLessThan(500);
        if (r.status !== 200) {
          expectEnvelope(r);
          expect(await state(acct.id)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('call-events: no 500, and a refused request writes nothing', async () => {
    const acct = await createAccount('enterprise', { limits: { webhooks_per_minute: 100_000 } });
    await fc.assert(
      fc.asyncProperty(runtimeBody, async (body) => {
        const before = await state(acct.id);
        const r = await callEvent(acct, body);
        expect(r.status, r.text).toBeLessThan(500);
        if (r.status !== 200) {
          expectEnvelope(r);
          expect(await state(acct.id)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });
});
