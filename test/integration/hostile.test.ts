// Hostile input: Stripe-style limits on metadata, variables and per-recipient data, a JSON depth and width
// limit, all enforced before anything is stored; absurd date phrases declined. Never a 5xx.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRoomyAccount, env, expectEnvelope, request, type TestAccount } from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const manyKeys = (n: number, value = '"v"') =>
  `{${Array.from({ length: n }, (_, i) => `"k${i}":${value}`).join(',')}}`;
const agentCount = async () =>
  ((await shardsDb.prepare('select count(*) as n from agents where account_id = ?').bind(a.id).first())
    ?.n as number) ?? 0;

describe('JSON shape', () => {
  it('an agent whose metadata is nested 100 000 deep is refused with param and not saved', async () => {
    const before = await agentCount();
    const r = await request('POST', '/v1/agents', {
      key: a.key,
      raw: `{"name":"deep","prompt":"p","metadata":${deep(100_000)}}`,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(400);
    const e = expectEnvelope(r);
    expect(e.param).toMatch(/^metadata(\.a)+$/);
    expect(e.message).toContain('nested more than 20 levels');
    expect(await agentCount()).toBe(before);
  });

  it('a batch with 100 000 metadata keys is refused at once, naming metadata', async () => {
    const started = Date.now();
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      raw: `{"agent_id":"${a.agentId}","recipients":[{"phone":"+14155550100"}],"metadata":${manyKeys(100_000)}}`,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe('metadata');
    expect(Date.now() - started).toBeLessThan(5000);
    const batches = await shardsDb
      .prepare('select count(*) as n from batches where account_id = ?')
      .bind(a.id)
      .first();
    expect(batches?.n).toBe(0);
  });
});

describe('metadata, variables and per-recipient limits', () => {
  const call = (body: Record<string, unknown>) =>
    request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550100', ...body },
    });
  const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));

  it.each([
    [{ metadata: { ...fifty, extra: 1 } }, 'metadata', 'at most 50 keys'],
    [{ metadata: { ['k'.repeat(41)]: 1 } }, `metadata.${'k'.repeat(41)}`, '40'],
    [{ metadata: { note: 'x'.repeat(501) } }, 'metadata.note', '500'],
    [{ metadata: { blob: { nested: 'x'.repeat(600) } } }, 'metadata.blob', '500'],
    [{ variables: { ...fifty, extra: 'v' } }, 'variables', 'at most 50 keys'],
    [{ variables: { name: 'x'.repeat(501) } }, 'variables.name', '500'],
  ])('%# refused with param %s', async (body, param, text) => {
    const r = await call(body);
    expect(r.status).toBe(400);
    const e = expectEnvelope(r);
    expect(e.param).toBe(param);
    expect(e.message).toContain(text);
  });

  it('exactly at the limits is accepted', async () => {
    const r = await call({ metadata: { ...fifty }, variables: { ['k'.repeat(40)]: 'x'.repeat(500) } });
    expect(r.status).toBe(201);
  });

  it("a recipient's variables have the same limits, named by index", async () => {
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipients: [{ phone: '+14155550101' }, { phone: '+14155550102', variables: { ...fifty, x: 1 } }],
      },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe('recipients[1].variables');
  });
  it('a 10 000-recipient batch is checked in slices: a bad recipient deep in it is named by its index, nothing stored', async () => {
    const recipients = Array.from({ length: 10_000 }, (_, i) => ({ phone: `+1415${String(7000000 + i)}` }));
    recipients[7777] = { phone: 'not-a-number' };
    const before = await shardsDb
      .prepare('select count(*) as n from batches where account_id = ?')
      .bind(a.id)
      .first<{ n: number }>();
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: { agent_id: a.agentId, recipients },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe('recipients[7777].phone');
    const extra = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: { agent_id: a.agentId, recipients: [{ phone: '+14155550101', nope: 1 }] },
    });
    expect(expectEnvelope(extra).param).toBe('recipients[0].nope');
    const after = await shardsDb
      .prepare('select count(*) as n from batches where account_id = ?')
      .bind(a.id)
      .first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});

describe('the largest batch body', () => {
  const big = (agentId: string) => {
    const value = 'x'.repeat(480);
    return JSON.stringify({
      agent_id: agentId,
      recipients: Array.from({ length: 10_000 }, (_, i) => ({
        phone: `+1415${String(7000000 + i)}`,
        variables: { a: value, b: value, c: value.slice(0, 200) },
      })),
    });
  };
  const batchCount = async () =>
    (
      await env.DB.prepare('select count(*) as n from batches where account_id = ?')
        .bind(a.id)
        .first<{ n: number }>()
    )?.n;

  it('12 MiB that break off at the end (malformed JSON) are a 400, nothing stored', async () => {
    const before = await batchCount();
    const text = big(a.agentId);
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      raw: text.slice(0, -3),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).message).toContain('Malformed JSON');
    expect(await batchCount()).toBe(before);
  }, 60_000);

  it('12 MiB whose last recipient is invalid are a 400 naming it, nothing stored; the same body fixed is accepted whole', async () => {
    const before = await batchCount();
    const text = big(a.agentId);
    const bad = await request('POST', '/v1/calls/batch', {
      key: a.key,
      raw: text.replace('"+14157009999"', '"+1 not a phone"'),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'big-batch-1' },
    });
    expect(bad.status).toBe(400);
    expect(expectEnvelope(bad).param).toBe('recipients[9999].phone');
    expect(await batchCount()).toBe(before);
    const ok = await request('POST', '/v1/calls/batch', {
      key: a.key,
      raw: text,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'big-batch-1' },
    });
    expect(ok.status, ok.text.slice(0, 200)).toBe(201);
    expect(ok.body.total_recipients).toBe(10_000);
    const summary = await request('GET', `/v1/batches/${ok.body.batch_id}`, { key: a.key });
    expect(summary.body.counts.pending).toBe(10_000);
    // A retry with the same key and body replays (its hash, taken in slices, is the same).
    const replay = await request('POST', '/v1/calls/batch', {
      key: a.key,
      raw: text,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'big-batch-1' },
    });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body.batch_id).toBe(ok.body.batch_id);
    await request('POST', `/v1/batches/${ok.body.batch_id}/cancel`, { key: a.key });
  }, 120_000);
});

describe('date phrases', () => {
  it.each([
    'How many calls in the last 99999999999 days?',
    'How many calls in the last 99999999999 hours?',
    'How many calls in the last 999999999999999999999 weeks?',
    'How many calls in the last 1000000 months?',
    'How many calls since 0001-01-01?',
  ])('"%s" is declined, not a 500', async (query) => {
    const r = await request('POST', '/reporting_ai/query', { key: a.key, body: { query } });
    expect(r.status).toBe(200);
    expect(r.body.answer).toMatch(/can't answer/);
    expect(r.body.sql ?? null).toBeNull();
  });
});

describe('provider credentials and provider webhooks (hostile corpus)', () => {
  const sid = `AC${'c'.repeat(32)}`;
  const credRows = async () =>
    ((
      await shardsDb
        .prepare('select count(*) as n from provider_credentials where account_id = ?')
        .bind(a.id)
        .first()
    )?.n as number) ?? 0;
  const bodies: Array<[string, string]> = [
    ['twilio', deep(100_000)],
    ['twilio', manyKeys(100_000)],
    ['twilio', '[]'],
    ['twilio', 'null'],
    ['twilio', '"AC"'],
    ['twilio', JSON.stringify({ account_sid: sid, auth_token: 'x'.repeat(100_000) })],
    ['twilio', JSON.stringify({ account_sid: sid, auth_token: 'spaces in the token!' })],
    ['twilio', JSON.stringify({ account_sid: sid, auth_token: 'tok\u0000en0123456789abc' })],
    ['twilio', JSON.stringify({ account_sid: `${sid}/../../x`, auth_token: 'x'.repeat(20) })],
    ['twilio', JSON.stringify({ account_sid: sid, auth_token: 'x'.repeat(20), api_key: [] })],
    ['twilio', JSON.stringify({ account_sid: sid, auth_token: 'x'.repeat(20), api_key: { sid: 'SK1' } })],
    ['twilio', `{"account_sid":"${sid}","auth_token":"${'x'.repeat(20)}","__proto__":{"admin":true}}`],
    [
      'whatsapp',
      JSON.stringify({ waba_id: '../../me', access_token: 'x'.repeat(20), app_secret: 'y'.repeat(20) }),
    ],
    [
      'whatsapp',
      JSON.stringify({ waba_id: '1'.repeat(33), access_token: 'x'.repeat(20), app_secret: 'y'.repeat(20) }),
    ],
    ['whatsapp', JSON.stringify({ waba_id: 1234, access_token: 'x'.repeat(20), app_secret: 'y'.repeat(20) })],
    [
      'whatsapp',
      JSON.stringify({ waba_id: '1', access_token: 'x'.repeat(2000), app_secret: 'y'.repeat(20) }),
    ],
    ['whatsapp', '{"waba_id":"1","access_token":'],
  ];
  it.each(bodies.map(([p, b], i) => [i, p, b] as const))(
    '%i PUT %s is a 4xx with param, stores nothing',
    async (_i, provider, raw) => {
      const r = await request('PUT', `/v1/provider_credentials/${provider}`, {
        key: a.key,
        raw,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expectEnvelope(r);
      expect(await credRows()).toBe(0);
    },
  );

  const hooks: Array<[string, string, Record<string, string>]> = [
    ['/providers/twilio/voice', 'To=%2B1&AccountSid=', { 'X-Twilio-Signature': 'x' }],
    ['/providers/twilio/voice', `AccountSid=${sid}&To=${'9'.repeat(5000)}`, { 'X-Twilio-Signature': 'x' }],
    ['/providers/twilio/status?call_id=call_nope', 'CallStatus=completed', {}],
    ['/providers/twilio/status', '%%%&&&==', { 'X-Twilio-Signature': '' }],
  ];
  it.each(hooks)('Twilio webhook %s with %s is refused, never 5xx', async (path, raw, headers) => {
    const r = await request('POST', path, {
      raw,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    });
    expect(r.status).toBe(401);
    expectEnvelope(r);
  });

  const metaBodies = [
    deep(100_000),
    '{"entry":',
    JSON.stringify({
      entry: Array.from({ length: 2000 }, (_, i) => ({
        changes: [{ field: 'messages', value: { metadata: { phone_number_id: `${i}` }, messages: [] } }],
      })),
    }),
    JSON.stringify({
      entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: {} } } }] }],
    }),
  ];
  it.each(metaBodies.map((b, i) => [i, b] as const))(
    'Meta webhook body %i is refused, never 5xx',
    async (_i, raw) => {
      const r = await request('POST', '/providers/whatsapp', {
        raw,
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': 'sha256=00' },
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    },
  );
});
