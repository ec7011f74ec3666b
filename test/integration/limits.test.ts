import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { AccountLimiter } from '../../src/durable-objects/account-limiter';
import { ADMIN_TOKEN, createAccount, env, expectEnvelope, randomIp, request } from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

const limiter = (name: string) => env.ACCOUNT_LIMITER.get(env.ACCOUNT_LIMITER.idFromName(name));

/** Drives the limiter's clock by hand: the object reads `clock.now` instead of Date.now(). */
async function controlClock(name: string, start: number) {
  const clock = { now: start };
  await runInDurableObject(limiter(name), (inst: AccountLimiter) => {
    inst.clock = () => clock.now;
  });
  return clock;
}

// Calls ring for a simulated 10 minutes so they stay live (holding their slot) for the whole test.
const call = (key: string, agentId: string, phone = '+14155550100') =>
  request('POST', '/v1/call', {
    key,
    body: { agent_id: agentId, recipient_phone: phone, metadata: { simulate: { ring_seconds: 600 } } },
  });

describe('calls per minute', () => {
  it('the 61st call on growth in a window is refused; the first of the next window is admitted', async () => {
    const a = await createAccount('growth', { limits: { concurrent_calls: 1000 } });
    const T0 = 1_900_000_000_000;
    const clock = await controlClock(a.id, T0);
    for (let i = 0; i < 60; i++) {
      clock.now = T0 + i * 100;
      const r = await call(a.key, a.agentId);
      expect(r.status, r.text).toBe(201);
      expect(r.headers.get('RateLimit-Policy')).toBe('"calls";q=60;w=60');
      expect(r.headers.get('RateLimit')).toBe(
        `"calls";r=${59 - i};t=${Math.ceil((60_000 - i * 100) / 1000)}`,
      );
    }
    clock.now = T0 + 30_000;
    const refused = await call(a.key, a.agentId);
    expect(refused.status).toBe(429);
    expect(expectEnvelope(refused).code).toBe('rate_limited');
    expect(refused.headers.get('Retry-After')).toBe('30');
    expect(refused.headers.get('RateLimit')).toBe('"calls";r=0;t=30');

    clock.now = T0 + 59_999; // one millisecond before the first request leaves the window
    expect((await call(a.key, a.agentId)).status).toBe(429);
    clock.now = T0 + 60_000;
    const next = await call(a.key, a.agentId);
    expect(next.status).toBe(201);
    expect(next.headers.get('RateLimit')).toBe('"calls";r=0;t=1');
    // Other classes keep their own window.
    expect((await request('GET', '/v1/agents', { key: a.key })).headers.get('RateLimit')).toMatch(
      /^"api";r=\d+;t=\d+$/,
    );
  });

  it('Retry-After is never too early: waiting exactly that long is admitted', async () => {
    const a = await createAccount('starter', { limits: { concurrent_calls: 1000 } });
    const T0 = 1_900_000_000_000;
    const clock = await controlClock(a.id, T0);
    for (let i = 0; i < 10; i++) {
      clock.now = T0 + i * 3_700;
      expect((await call(a.key, a.agentId)).status).toBe(201);
    }
    for (const at of [T0 + 40_000, T0 + 41_234, T0 + 59_001]) {
      clock.now = at;
      const r = await call(a.key, a.agentId);
      expect(r.status).toBe(429);
      const wait = Number(r.headers.get('Retry-After'));
      expect(wait).toBeGreaterThanOrEqual(1);
      clock.now = at + wait * 1000 - 1000; // a second earlier than told is still refused
      if (wait > 1) expect((await call(a.key, a.agentId)).status).toBe(429);
      clock.now = at + wait * 1000;
      expect((await call(a.key, a.agentId)).status).toBe(201);
    }
  });

  it('two accounts never share a counter', async () => {
    const a = await createAccount('starter', { limits: { concurrent_calls: 1000 } });
    const b = await createAccount('starter', { limits: { concurrent_calls: 1000 } });
    for (let i = 0; i < 10; i++) expect((await call(a.key, a.agentId)).status).toBe(201);
    expect((await call(a.key, a.agentId)).status).toBe(429);
    const r = await call(b.key, b.agentId);
    expect(r.status).toBe(201);
    expect(r.headers.get('RateLimit')).toBe('"calls";r=9;t=60');
  });

  it('plan changes by the operator apply to the next request', async () => {
    const a = await createAccount('starter');
    // createAccount already spent 2 api requests (agent + number); 3 more makes 5.
    for (let i = 0; i < 3; i++) expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
    const patched = await request('PATCH', `/admin/accounts/${a.id}`, {
      key: ADMIN_TOKEN,
      body: { plan: 'enterprise', limits: { api_per_minute: 6 } },
    });
    expect(patched.body).toMatchObject({ plan: 'enterprise', limits: { api_per_minute: 6 } });
    const sixth = await request('GET', '/v1/agents', { key: a.key });
    expect(sixth.status).toBe(200);
    expect(sixth.headers.get('RateLimit-Policy')).toBe('"api";q=6;w=60');
    expect(sixth.headers.get('RateLimit')).toMatch(/^"api";r=0;/);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(429);
  });

  it('enterprise without limits gets business figures', async () => {
    const a = await createAccount('enterprise');
    const r = await call(a.key, a.agentId);
    expect(r.headers.get('RateLimit-Policy')).toBe('"calls";q=200;w=60');
  });
});

describe('limited and unlimited surfaces', () => {
  it('errors of a limited class carry the headers too; healthz, openapi and docs carry none', async () => {
    const a = await createAccount('growth');
    const bad = await request('GET', '/v1/calls/call_nope', { key: a.key });
    expect(bad.status).toBe(404);
    expect(bad.headers.get('RateLimit')).toMatch(/^"api";r=\d+;t=\d+$/);
    for (const path of ['/healthz', '/openapi.json', '/docs']) {
      expect((await request('GET', path)).headers.get('RateLimit')).toBeNull();
    }
  });

  it('failed credentials are limited per client IP (key guessing)', async () => {
    const ip = randomIp();
    for (let i = 0; i < 100; i++) {
      const r = await request('GET', '/v1/agents', {
        key: `sk_test_${'x'.repeat(32)}`,
        headers: { 'CF-Connecting-IP': ip },
      });
      expect(r.status).toBe(401);
    }
    const r = await request('GET', '/v1/agents', {
      key: `sk_test_${'x'.repeat(32)}`,
      headers: { 'CF-Connecting-IP': ip },
    });
    expect(r.status).toBe(429);
    expect(r.headers.get('RateLimit-Policy')).toBe('"anonymous";q=100;w=60');
    expect(Number(r.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    // Another IP is unaffected, and a valid key from the same IP still works.
    expect(
      (await request('GET', '/v1/agents', { key: 'nope', headers: { 'CF-Connecting-IP': randomIp() } }))
        .status,
    ).toBe(401);
    const a = await createAccount('growth');
    expect(
      (await request('GET', '/v1/agents', { key: a.key, headers: { 'CF-Connecting-IP': ip } })).status,
    ).toBe(200);
  });
});

describe('concurrency', () => {
  it('100 concurrent creations on growth leave exactly 3 calls holding slots', async () => {
    const a = await createAccount('growth');
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => call(a.key, a.agentId, `+1415555${String(i).padStart(4, '0')}`)),
    );
    const created = replies.filter((r) => r.status === 201);
    expect(created).toHaveLength(3);
    for (const r of replies.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    }
    expect(
      replies.some((r) => r.body?.error?.message?.includes('Concurrent call limit reached: 3 of 3')),
    ).toBe(true);
    const rows = await shardsDb
      .prepare('SELECT id FROM calls WHERE account_id = ?')
      .bind(a.id)
      .all<{ id: string }>();
    expect(rows.results.map((r) => r.id).sort()).toEqual(created.map((r) => r.body.call_id).sort());
    expect((await limiter(a.id).activeLeases()).sort()).toEqual(created.map((r) => r.body.call_id).sort());
  });

  it('cancel and end give the slot back; doing it twice is a 409 and frees nothing else', async () => {
    const a = await createAccount('starter');
    const first = await call(a.key, a.agentId);
    expect(first.status).toBe(201);
    const blocked = await call(a.key, a.agentId);
    expect(blocked.status).toBe(429);
    expect(expectEnvelope(blocked).message).toMatch(/Concurrent call limit reached: 1 of 1 .*starter/);

    const canceled = await request('POST', `/v1/calls/${first.body.call_id}/cancel`, { key: a.key });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', end_reason: 'canceled' });
    const second = await call(a.key, a.agentId);
    expect(second.status).toBe(201);
    const again = await request('POST', `/v1/calls/${first.body.call_id}/cancel`, { key: a.key });
    expect(again.status).toBe(409);
    expect(await limiter(a.id).activeLeases()).toEqual([second.body.call_id]);

    const ended = await request('POST', `/v1/calls/${second.body.call_id}/end`, { key: a.key });
    expect(ended.status).toBe(200);
    expect(await limiter(a.id).activeLeases()).toEqual([]);
  });

  it('a lease whose holder never releases frees itself after its TTL; releasing twice frees no one else', async () => {
    const name = `lease-test-${crypto.randomUUID()}`;
    const clock = await controlClock(name, 1_900_000_000_000);
    const stub = limiter(name);
    expect((await stub.acquire('call_a', 2, 10_000)).acquired).toBe(true);
    expect((await stub.acquire('call_a', 2, 10_000)).held).toBe(1); // idempotent
    clock.now += 5_000;
    expect((await stub.acquire('call_b', 2, 10_000)).acquired).toBe(true);
    const full = await stub.acquire('call_c', 2, 10_000);
    expect(full).toMatchObject({ acquired: false, held: 2, cap: 2, retryAfter: 5 });

    expect(await stub.release('call_a')).toBe(true);
    expect(await stub.release('call_a')).toBe(false);
    expect(await stub.activeLeases()).toEqual(['call_b']);
    expect((await stub.acquire('call_c', 2, 10_000)).acquired).toBe(true);
    expect((await stub.acquire('call_d', 2, 10_000)).acquired).toBe(false);

    // Nobody releases: the alarm sweeps expired leases.
    clock.now += 60_000;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(
      await runInDurableObject(
        stub,
        (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM leases').one().n,
      ),
    ).toBe(0);
    expect((await stub.acquire('call_d', 2, 10_000)).acquired).toBe(true);
  });

  it('call leases last max_duration + 60 s', async () => {
    const a = await createAccount('growth');
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipient_phone: '+14155550100',
        max_duration: 30,
        metadata: { simulate: { ring_seconds: 600 } },
      },
    });
    const expires = await runInDurableObject(
      limiter(a.id),
      (_i, state) =>
        state.storage.sql
          .exec<{ expires_at: number }>('SELECT expires_at FROM leases WHERE id = ?', r.body.call_id)
          .one().expires_at,
    );
    expect(expires - Date.now()).toBeGreaterThan(85_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(90_000);
  });

  it('windows survive the object being evicted', async () => {
    const a = await createAccount('starter', { limits: { concurrent_calls: 100 } });
    for (let i = 0; i < 10; i++) await call(a.key, a.agentId);
    await evictDurableObject(limiter(a.id));
    expect((await call(a.key, a.agentId)).status).toBe(429);
  });
});

describe('when the limiter cannot be reached', () => {
  const broken = {
    idFromName: () => {
      throw new Error('limiter down');
    },
    get: () => {
      throw new Error('limiter down');
    },
  };
  const app = createApp();
  const send = (path: string, key: string, body?: unknown) =>
    app.fetch(
      new Request(`https://callplane.test${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }),
      { ...env, ACCOUNT_LIMITER: broken as unknown as typeof env.ACCOUNT_LIMITER },
      { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext,
    );

  it('request rates fail open', async () => {
    const a = await createAccount('growth');
    const r = await send('/v1/agents', a.key);
    expect(r.status).toBe(200);
    expect(r.headers.get('RateLimit')).toBeNull();
  });

  it('concurrency fails closed: no call is created', async () => {
    const a = await createAccount('growth');
    const r = await send('/v1/call', a.key, { agent_id: a.agentId, recipient_phone: '+14155550100' });
    expect(r.status).toBe(429);
    expect(r.headers.get('Retry-After')).toBe('1');
    const n = await shardsDb
      .prepare('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?')
      .bind(a.id)
      .first<{ n: number }>();
    expect(n!.n).toBe(0);
  });
});
