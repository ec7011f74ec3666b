import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  type TestAccount,
} from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

const countCalls = async (accountId: string) =>
  (await shardsDb
    .prepare('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?')
    .bind(accountId)
    .first<{ n: number }>())!.n;

describe('Idempotency-Key', () => {
  it('20 concurrent requests with one key create exactly one call', async () => {
    const acct = await createRoomyAccount();
    const body = { agent_id: acct.agentId, recipient_phone: '+14155550111' };
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        request('POST', '/v1/call', { key: acct.key, body, headers: { 'Idempotency-Key': 'burst-1' } }),
      ),
    );
    expect(await countCalls(acct.id)).toBe(1);
    const created = replies.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.call_id)).size).toBe(1);
    for (const r of replies.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(expectEnvelope(r).code).toBe('conflict');
    }
  });

  it('same key and body replays the stored answer', async () => {
    const body = { agent_id: a.agentId, recipient_phone: '+14155550112', variables: { a: 1, b: 'x' } };
    const first = await request('POST', '/v1/call', {
      key: a.key,
      body,
      headers: { 'Idempotency-Key': 'k-replay' },
    });
    const before = await countCalls(a.id);
    // Same body with keys in another order is the same request.
    const again = await request('POST', '/v1/call', {
      key: a.key,
      body: { variables: { b: 'x', a: 1 }, recipient_phone: '+14155550112', agent_id: a.agentId },
      headers: { 'Idempotency-Key': '"k-replay"' },
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await countCalls(a.id)).toBe(before);
  });

  it('same key with a different body is 422', async () => {
    await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550113' },
      headers: { 'Idempotency-Key': 'k-diff' },
    });
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550114' },
      headers: { 'Idempotency-Key': 'k-diff' },
    });
    expect(r.status).toBe(422);
    expect(expectEnvelope(r).param).toBe('Idempotency-Key');
  });

  it('keys are scoped per account and per route', async () => {
    const other = await createAccount('growth');
    const body = (acct: TestAccount) => ({ agent_id: acct.agentId, recipient_phone: '+14155550115' });
    const mine = await request('POST', '/v1/call', {
      key: a.key,
      body: body(a),
      headers: { 'Idempotency-Key': 'shared' },
    });
    const theirs = await request('POST', '/v1/call', {
      key: other.key,
      body: body(other),
      headers: { 'Idempotency-Key': 'shared' },
    });
    expect(theirs.status).toBe(201);
    expect(theirs.body.call_id).not.toBe(mine.body.call_id);
    const callai = await request('POST', '/api/v1/calls/initiate', {
      key: a.key,
      body: { agent_id: a.agentId, to_number: '+14155550115' },
      headers: { 'Idempotency-Key': 'shared' },
    });
    expect(callai.status).toBe(200);
    expect(callai.body.data.call_id).not.toBe(mine.body.call_id);
    // And the CallAI route replays its own shape.
    const replay = await request('POST', '/api/v1/calls/initiate', {
      key: a.key,
      body: { agent_id: a.agentId, to_number: '+14155550115' },
      headers: { 'Idempotency-Key': 'shared' },
    });
    expect(replay.body).toEqual(callai.body);
  });

  it('a failed request frees its key', async () => {
    const bad = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: 'agent_missing', recipient_phone: '+14155550116' },
      headers: { 'Idempotency-Key': 'k-fail' },
    });
    expect(bad.status).toBe(404);
    const good = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550116' },
      headers: { 'Idempotency-Key': 'k-fail' },
    });
    expect(good.status).toBe(201);
  });

  it('keys older than 24 h no longer replay', async () => {
    const body = { agent_id: a.agentId, recipient_phone: '+14155550117' };
    const first = await request('POST', '/v1/call', {
      key: a.key,
      body,
      headers: { 'Idempotency-Key': 'k-old' },
    });
    await shardsDb
      .prepare("UPDATE idempotency_keys SET created_at = created_at - 86401 WHERE key = 'k-old'")
      .run();
    const second = await request('POST', '/v1/call', {
      key: a.key,
      body,
      headers: { 'Idempotency-Key': 'k-old' },
    });
    expect(second.status).toBe(201);
    expect(second.body.call_id).not.toBe(first.body.call_id);
  });

  it('a stuck in-flight key is 409 until its lock lapses', async () => {
    const body = { agent_id: a.agentId, recipient_phone: '+14155550118' };
    const now = Math.floor(Date.now() / 1000);
    const { sha256Hex, canonicalJson } = await import('../../src/lib/crypto');
    await shardsDb
      .prepare(
        "INSERT INTO idempotency_keys (account_id, route, key, body_hash, state, created_at, locked_until) VALUES (?, 'calls.create', 'k-stuck', ?, 'in_flight', ?, ?)",
      )
      .bind(a.id, await sha256Hex(canonicalJson(body)), now, now + 60)
      .run();
    expect(
      (await request('POST', '/v1/call', { key: a.key, body, headers: { 'Idempotency-Key': 'k-stuck' } }))
        .status,
    ).toBe(409);
    await shardsDb
      .prepare("UPDATE idempotency_keys SET locked_until = ? WHERE key = 'k-stuck'")
      .bind(now - 1)
      .run();
    expect(
      (await request('POST', '/v1/call', { key: a.key, body, headers: { 'Idempotency-Key': 'k-stuck' } }))
        .status,
    ).toBe(201);
  });

  it('rejects an over-long key', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550119' },
      headers: { 'Idempotency-Key': 'x'.repeat(256) },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe('Idempotency-Key');
  });
});
