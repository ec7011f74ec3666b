// Issue #15 "API keys verified from memory": a verified key is answered from isolate memory for
// KEY_CACHE_FRESH_MS; revoking, rolling and account changes take effect at once in the isolate that made
// them, and a change made elsewhere (another isolate, simulated by writing D1 directly) within the bound.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:workers';
import { ADMIN_TOKEN, createAccount, request } from '../helpers/harness';
import { KEY_CACHE_FRESH_MS, keyCache } from '../../src/services/api-keys';
import { shardsDb } from '../helpers/shards';

const realClock = keyCache.clock;
afterEach(() => {
  keyCache.clock = realClock;
  keyCache.freshMs = KEY_CACHE_FRESH_MS;
});

async function ownKeyId(key: string): Promise<string> {
  const list = (await request('GET', '/v1/api_keys', { key })).body.data as any[];
  return list.find((k) => k.last4 === key.slice(-4)).id;
}

/** A hand-driven clock for the cache, starting now. */
function handClock() {
  let t = Date.now();
  keyCache.clock = () => t;
  return { advance: (ms: number) => (t += ms) };
}

describe('key verification cache', () => {
  it('serves a verified key from memory: no D1 read while fresh', async () => {
    const a = await createAccount('starter');
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
    // A D1 that cannot answer the key lookup: the request still authenticates, from the cache.
    const spy = vi.spyOn(env.DB, 'prepare');
    try {
      expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
      const lookups = spy.mock.calls.filter(([q]) => /from "api_keys"/.test(String(q)));
      expect(lookups).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('revoke: the next request in this isolate is 401, with the entry warm', async () => {
    handClock();
    const a = await createAccount('starter');
    const second = await request('POST', '/v1/api_keys', { key: a.key, body: { name: 'second' } });
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200); // cached now
    const id = await ownKeyId(a.key);
    expect((await request('DELETE', `/v1/api_keys/${id}`, { key: second.body.key })).status).toBe(200);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(401);
  });

  it('roll: the old key stops at the end of its overlap in this isolate, the new key works at once', async () => {
    const clock = handClock();
    const a = await createAccount('starter');
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
    const id = await ownKeyId(a.key);
    const rolled = await request('POST', `/v1/api_keys/${id}/roll`, {
      key: a.key,
      body: { overlap_seconds: 5 },
    });
    expect(rolled.status).toBe(201);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
    expect((await request('GET', '/v1/agents', { key: rolled.body.key })).status).toBe(200);
    // 6 s on the cache's clock (inside its freshness window): the old key's new expiry already applies.
    clock.advance(6_000);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(401);
    expect((await request('GET', '/v1/agents', { key: rolled.body.key })).status).toBe(200);
  });

  it('a revocation made elsewhere (D1 written, this isolate not told) takes effect within the bound', async () => {
    const clock = handClock();
    const a = await createAccount('starter');
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
    const id = await ownKeyId(a.key);
    await shardsDb
      .prepare('update api_keys set revoked_at = ? where id = ?')
      .bind(Math.floor(Date.now() / 1000), id)
      .run();
    // Inside the window the stale entry still answers: this is the documented bound, not a leak.
    clock.advance(KEY_CACHE_FRESH_MS - 1);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
    // The entry is as old as the bound: re-read from D1, refused.
    clock.advance(1);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(401);
  });

  it('an account change (plan, limits) applies at once in this isolate', async () => {
    handClock();
    const a = await createAccount('starter');
    const before = await request('GET', '/v1/agents', { key: a.key });
    expect(before.headers.get('RateLimit-Policy')).toMatch(/q=100;/);
    const patched = await request('PATCH', `/admin/accounts/${a.id}`, {
      key: ADMIN_TOKEN,
      body: { limits: { api_per_minute: 1234 } },
    });
    expect(patched.status).toBe(200);
    const after = await request('GET', '/v1/agents', { key: a.key });
    expect(after.headers.get('RateLimit-Policy')).toMatch(/q=1234;/);
  });

  it('last_used_at is still recorded when every request is answered from the cache', async () => {
    keyCache.freshMs = 10 * 60_000; // nothing expires from the cache during this test
    const a = await createAccount('starter');
    const id = await ownKeyId(a.key);
    const lastUsed = async () =>
      (await shardsDb.prepare('select last_used_at as t from api_keys where id = ?').bind(id).first<{
        t: number | null;
      }>())!.t;
    const until = async (ok: (v: number | null) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const v = await lastUsed();
        if (ok(v)) return v;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('last_used_at never written');
    };
    const first = await until((v) => v !== null);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);
      const later = await until((v) => v !== null && v > first!);
      expect(later! - first!).toBeGreaterThanOrEqual(60);
    } finally {
      vi.useRealTimers();
    }
  });
});
