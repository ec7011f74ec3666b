// Crash safety of batches and lead data (issue #12): faults injected in each window (src/lib/faults.ts).
import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { armFault, disarmFaults, timesReached } from '../../src/lib/faults';
import { createRoomyAccount, env, request, type TestAccount } from '../helpers/harness';
import { installReceiver, receiverUrl, waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

const limiter = (id: string) => env.ACCOUNT_LIMITER.get(env.ACCOUNT_LIMITER.idFromName(id));
const dispatcher = (id: string) => env.BATCH_DISPATCHER.get(env.BATCH_DISPATCHER.idFromName(id));
const BUSY = '+15005550002';

let a: TestAccount;
beforeAll(async () => {
  installReceiver();
  a = await createRoomyAccount();
  const ep = await request('POST', '/v1/webhook_endpoints', {
    key: a.key,
    body: { url: receiverUrl('crash-batches') },
  });
  expect(ep.status).toBe(201);
});
afterEach(() => disarmFaults());

const batchOf = async (id: string) => (await request('GET', `/v1/batches/${id}`, { key: a.key })).body;
const startBatch = async (phone = BUSY) => {
  const r = await request('POST', '/v1/calls/batch', {
    key: a.key,
    body: {
      agent_id: a.agentId,
      recipients: [{ phone }],
      metadata: { simulate: { ring_seconds: 0, talk_seconds: 1 } },
    },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.batch_id as string;
};
const callOfBatch = (batchId: string) =>
  shardsDb
    .prepare('SELECT id, status FROM calls WHERE batch_id = ?')
    .bind(batchId)
    .first<{ id: string; status: string }>();
const batchEvents = async (batchId: string) =>
  (
    (await request('GET', '/v1/events?type=batch.completed&limit=100', { key: a.key })).body.data as any[]
  ).filter((e) => e.data.batch.id === batchId);

describe('batch cancel lost', () => {
  it('a cancel that lands while the alarm is finishing the batch stays canceled, with no batch.completed', async () => {
    let batchId = '';
    armFault(env, 'batch-before-finish', {
      kind: 'run',
      fn: async () => {
        const r = await request('POST', `/v1/batches/${batchId}/cancel`, { key: a.key });
        expect(r.status, r.text).toBe(200);
      },
    });
    batchId = await startBatch();
    await waitFor(async () => (await batchOf(batchId)).completed_at, { what: 'batch finished' });
    expect(timesReached('batch-before-finish')).toBeGreaterThan(0);
    expect((await batchOf(batchId)).status).toBe('canceled');
    expect(await batchEvents(batchId)).toHaveLength(0);
  });
});

describe('batch recovery leaks no slot', () => {
  it('a dispatcher that dies after placing a call does not take a new lease for it on restart', async () => {
    armFault(env, 'batch-after-create-call', { kind: 'abort' });
    const batchId = await startBatch();
    await waitFor(() => timesReached('batch-after-create-call') > 0, { what: 'the crash' });
    const call = await waitFor(async () => {
      const c = await callOfBatch(batchId);
      return c?.status === 'busy' && c;
    });
    // The platform retries the crashed alarm; run it now rather than wait for its backoff.
    await runDurableObjectAlarm(dispatcher(batchId)).catch(() => undefined);
    await waitFor(async () => (await batchOf(batchId)).status === 'completed', { what: 'batch completed' });
    expect(await limiter(a.id).activeLeases()).not.toContain(call.id);
    const calls = await shardsDb
      .prepare('SELECT COUNT(*) AS n FROM calls WHERE batch_id = ?')
      .bind(batchId)
      .first<{ n: number }>();
    expect(calls?.n).toBe(1);
  });
});

const callData = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request('POST', `/call-data?moja_auth_key=${encodeURIComponent(a.webhookAuthKey)}`, {
    raw: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  });
const leadOf = async (phone: string) =>
  JSON.parse(
    (await shardsDb
      .prepare('SELECT data FROM leads WHERE account_id = ? AND phone = ?')
      .bind(a.id, phone)
      .first<{ data: string }>())!.data,
  );

describe('lost lead updates', () => {
  it('a post that lands between another post’s read and write loses none of either’s keys', async () => {
    const phone = '+15551230001';
    armFault(env, 'lead-before-write', {
      kind: 'run',
      fn: async () => expect((await callData({ caller_id: phone, second: 2 })).status).toBe(200),
    });
    expect((await callData({ caller_id: phone, first: 1 })).status).toBe(200);
    expect(await leadOf(phone)).toMatchObject({ first: 1, second: 2 });
  });

  it('20 concurrent posts for one caller keep all 20 keys', async () => {
    const phone = '+15551230002';
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => callData({ caller_id: phone, [`k${i}`]: i })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(Object.keys(await leadOf(phone)).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `k${i}`).sort(),
    );
  });

  it('A → B → A applies the final A; only a repeated Idempotency-Key is a replay', async () => {
    const phone = '+15551230003';
    await callData({ caller_id: phone, stage: 'new' });
    await callData({ caller_id: phone, stage: 'qualified' });
    await callData({ caller_id: phone, stage: 'new' });
    expect((await leadOf(phone)).stage).toBe('new');
    await callData({ caller_id: phone, stage: 'won' }, { 'Idempotency-Key': 'k-1' });
    await callData({ caller_id: phone, stage: 'lost' });
    expect((await callData({ caller_id: phone, stage: 'won' }, { 'Idempotency-Key': 'k-1' })).status).toBe(
      200,
    );
    expect((await leadOf(phone)).stage).toBe('lost');
  });
});
