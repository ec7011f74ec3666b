// Hostile input: Stripe-style limits on metadata, variables and per-recipient data, a JSON depth and width
// limit, all enforced before anything is stored; absurd date phrases declined. Never a 5xx.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRoomyAccount, env, expectEnvelope, request, type TestAccount } from '../helpers/harness';

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const manyKeys = (n: number, value = '"v"') =>
  `{${Array.from({ length: n }, (_, i) => `"k${i}":${value}`).join(',')}}`;
const agentCount = async () =>
  ((await env.DB.prepare('select count(*) as n from agents where account_id = ?').bind(a.id).first())
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
    const batches = await env.DB.prepare('select count(*) as n from batches where account_id = ?')
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
    const before = await env.DB.prepare('select count(*) as n from batches where account_id = ?')
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
    const after = await env.DB.prepare('select count(*) as n from batches where account_id = ?')
      .bind(a.id)
      .first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
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
