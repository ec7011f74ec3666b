// API key lifecycle (issue #13): the last key rule, operator recovery, last_used_at, restricted keys,
// the scope table in the OpenAPI document, and the audit log.
import { describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:workers';
import { createAccount, expectEnvelope, request, ADMIN_TOKEN } from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

async function keysOf(key: string) {
  return (await request('GET', '/v1/api_keys', { key })).body.data as any[];
}
const ownKeyId = async (key: string) => (await keysOf(key)).find((k) => k.last4 === key.slice(-4)).id;

describe('the last active key', () => {
  it('cannot revoke itself (409 naming the rule); after a second key exists it can', async () => {
    const a = await createAccount('starter');
    const id = await ownKeyId(a.key);
    const refused = await request('DELETE', `/v1/api_keys/${id}`, { key: a.key });
    expect(refused.status).toBe(409);
    const e = expectEnvelope(refused);
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/must keep one active unrestricted API key/);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(200);

    const second = await request('POST', '/v1/api_keys', { key: a.key, body: { name: 'second' } });
    expect((await request('DELETE', `/v1/api_keys/${id}`, { key: second.body.key })).status).toBe(200);
    expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(401);
    // Now `second` is the last one.
    expect((await request('DELETE', `/v1/api_keys/${second.body.id}`, { key: second.body.key })).status).toBe(
      409,
    );
  });

  it('a restricted or expiring key does not count as the other key', async () => {
    const a = await createAccount('starter');
    const id = await ownKeyId(a.key);
    const ro = await request('POST', '/v1/api_keys', { key: a.key, body: { scopes: ['*:read'] } });
    expect(ro.status).toBe(201);
    expect((await request('DELETE', `/v1/api_keys/${id}`, { key: a.key })).status).toBe(409);
    // Rolling leaves a full replacement; the old key (expiring) may then not replace the new one.
    const rolled = await request('POST', `/v1/api_keys/${id}/roll`, { key: a.key, body: {} });
    expect(rolled.status).toBe(201);
    expect(rolled.body.scopes).toBeNull();
    const r = await request('DELETE', `/v1/api_keys/${rolled.body.id}`, { key: a.key });
    expect(r.status).toBe(409);
    // The restricted key may go: a full key remains.
    expect((await request('DELETE', `/v1/api_keys/${ro.body.id}`, { key: a.key })).status).toBe(200);
  });

  it('two keys revoking each other at once: exactly one succeeds', async () => {
    const a = await createAccount('starter');
    const b = await request('POST', '/v1/api_keys', { key: a.key, body: {} });
    const aId = await ownKeyId(a.key);
    const [r1, r2] = await Promise.all([
      request('DELETE', `/v1/api_keys/${aId}`, { key: b.body.key }),
      request('DELETE', `/v1/api_keys/${b.body.id}`, { key: a.key }),
    ]);
    // The loser is 409 (both were authenticated before either revoked: the last-key rule refuses it) or
    // 401 (its own key was already revoked when it was authenticated). Never both 200.
    const statuses = [r1.status, r2.status].sort();
    expect(statuses[0]).toBe(200);
    expect([401, 409]).toContain(statuses[1]);
    const active = (await keysOf(r1.status === 200 ? b.body.key : a.key)).filter(
      (k) => k.status === 'active',
    );
    expect(active).toHaveLength(1);
  });
});

describe('operator recovery key', () => {
  it('issues a full key for an account, audited as the operator, never cached', async () => {
    const a = await createAccount('starter');
    const r = await request('POST', `/admin/accounts/${a.id}/api_keys`, { key: ADMIN_TOKEN, body: {} });
    expect(r.status).toBe(201);
    expect(r.headers.get('Cache-Control')).toBe('no-store');
    expect(r.body.key).toMatch(/^sk_test_/);
    expect((await request('GET', '/v1/account', { key: r.body.key })).body.id).toBe(a.id);
    const audit = await request('GET', '/v1/audit_events?resource_type=api_key', { key: r.body.key });
    const ev = audit.body.data.find((e: any) => e.resource_id === r.body.id);
    expect(ev).toMatchObject({ action: 'api_key.created', actor: { type: 'admin', id: null } });
    expect(ev.request_id).toBe(r.headers.get('X-Request-Id'));
    expect(JSON.stringify(audit.body)).not.toContain(r.body.key);
  });

  it('is 404 for an unknown account and 401 without the admin token', async () => {
    expect((await request('POST', '/admin/accounts/acct_nope/api_keys', { key: ADMIN_TOKEN })).status).toBe(
      404,
    );
    const a = await createAccount('starter');
    expect((await request('POST', `/admin/accounts/${a.id}/api_keys`, { key: a.key })).status).toBe(401);
  });
});

describe('last_used_at', () => {
  async function lastUsed(keyId: string) {
    const row = await shardsDb.prepare('select last_used_at from api_keys where id = ?').bind(keyId).first();
    return row?.last_used_at as number | null;
  }
  async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean) {
    for (let i = 0; i < 100; i++) {
      const v = await f();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('timed out');
  }

  it('is written after use, and at most once a minute per key', async () => {
    const a = await createAccount('starter');
    const id = await ownKeyId(a.key);
    const first = await until(
      () => lastUsed(id),
      (v) => v !== null,
    );
    expect(Math.abs(first! - Date.now() / 1000)).toBeLessThan(5);
    // Pretend the write happened 30 s ago: another request inside the minute writes nothing.
    await shardsDb
      .prepare('update api_keys set last_used_at = ? where id = ?')
      .bind(first! - 30, id)
      .run();
    await request('GET', '/v1/agents', { key: a.key });
    await new Promise((r) => setTimeout(r, 200));
    expect(await lastUsed(id)).toBe(first! - 30);
    // A minute and a bit later (the clock moved, not the row), the next request records it again.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      await request('GET', '/v1/agents', { key: a.key });
      const later = await until(
        () => lastUsed(id),
        (v) => v !== null && v > first!,
      );
      expect(later! - first!).toBeGreaterThanOrEqual(60);
      expect((await keysOf(a.key)).find((k) => k.id === id).last_used_at).toBe(later);
    } finally {
      vi.useRealTimers();
    }
  });
});

// The limiter bench's "authentication alone" case (bench/limiter.mjs) times a /v1 path no route serves:
// that only measures the key check if the key check runs before the 404. It also keeps the API's shape
// from an unauthenticated caller.
describe('a /v1 path no route serves', () => {
  it('is 401 without a valid key and 404 with one', async () => {
    const a = await createAccount('starter');
    const none = await request('GET', '/v1/_auth_only');
    expect(none.status).toBe(401);
    expectEnvelope(none);
    const bad = await request('GET', '/v1/_auth_only', { key: `${a.key}x` });
    expect(bad.status).toBe(401);
    const good = await request('GET', '/v1/_auth_only', { key: a.key });
    expect(good.status).toBe(404);
    expectEnvelope(good);
  });
});
