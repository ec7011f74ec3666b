import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountLimiter } from '../../src/durable-objects/account-limiter';
import type { BatchDispatcher } from '../../src/durable-objects/batch-dispatcher';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  type TestAccount,
} from '../helpers/harness';
import { waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

const limiter = (id: string) => env.ACCOUNT_LIMITER.get(env.ACCOUNT_LIMITER.idFromName(id));
const dispatcher = (id: string) => env.BATCH_DISPATCHER.get(env.BATCH_DISPATCHER.idFromName(id));
const batchOf = async (acct: TestAccount, id: string) =>
  (await request('GET', `/v1/batches/${id}`, { key: acct.key })).body;
const callsOf = async (acct: TestAccount, id: string) => {
  const rows = await shardsDb
    .prepare('SELECT id, to_number, status FROM calls WHERE account_id = ? AND batch_id = ?')
    .bind(acct.id, id)
    .all<{ id: string; to_number: string; status: string }>();
  return rows.results;
};
const quick = { simulate: { ring_seconds: 0, talk_seconds: 1 } };
const phones = (n: number, prefix = '+1415600') =>
  Array.from({ length: n }, (_, i) => ({ phone: `${prefix}${String(i).padStart(4, '0')}` }));

/**
 * Runs the account's limiter and the batch's dispatcher on one accelerated clock (`factor` × real time),
 * and records every admitted dial and the most slots ever held, straight from the limiter.
 */
async function accelerate(accountId: string, batchId: string | null, factor: number) {
  const r0 = Date.now(),
    t0 = Date.now();
  const clock = () => t0 + (Date.now() - r0) * factor;
  const seen = { dials: [] as number[], maxHeld: 0 };
  await runInDurableObject(limiter(accountId), (inst: AccountLimiter) => {
    inst.clock = clock;
    inst.observe = (kind, key, d) => {
      if (kind === 'acquire' && 'held' in d) seen.maxHeld = Math.max(seen.maxHeld, d.held);
      if (kind === 'hit' && key === 'calls') seen.dials.push(clock());
    };
  });
  if (batchId)
    await runInDurableObject(dispatcher(batchId), (inst: BatchDispatcher) => {
      inst.clock = clock;
      inst.waitScale = 1 / factor;
    });
  return seen;
}

describe('POST /v1/calls/batch', () => {
  let a: TestAccount;
  beforeAll(async () => {
    a = await createRoomyAccount();
  });

  it("accepts Movoice's example and dials both recipients", async () => {
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipients: [
          { phone: '+919876543210', variables: { name: 'Rahul' } },
          { phone: '+919876543211', variables: { name: 'Priya' } },
        ],
        schedule_at: 1713456000,
      },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toEqual({
      batch_id: expect.stringMatching(/^batch_/),
      status: 'scheduled',
      total_recipients: 2,
      duplicates_removed: 0,
      schedule_at: 1713456000,
    });
    const calls = await waitFor(async () => {
      const c = await callsOf(a, r.body.batch_id);
      return c.length === 2 && c;
    });
    expect(calls.map((c) => c.to_number).sort()).toEqual(['+919876543210', '+919876543211']);
    const rahul = calls.find((c) => c.to_number === '+919876543210')!;
    expect((await request('GET', `/v1/calls/${rahul.id}`, { key: a.key })).body).toMatchObject({
      batch_id: r.body.batch_id,
      variables: { name: 'Rahul' },
    });
    expect(
      (await request('GET', `/v1/calls?batch_id=${r.body.batch_id}&include_total=true`, { key: a.key })).body
        .total,
    ).toBe(2);
  });

  it('one invalid recipient rejects the whole batch; nothing is created', async () => {
    const before = (await request('GET', '/v1/batches?include_total=true', { key: a.key })).body.total;
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipients: [{ phone: '+14155550100' }, { phone: '+14155550101' }, { phone: '4155550102' }],
      },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe('recipients[2].phone');
    expect((await request('GET', '/v1/batches?include_total=true', { key: a.key })).body.total).toBe(before);
    for (const [body, param] of [
      [{ agent_id: a.agentId, recipients: [] }, 'recipients'],
      [{ agent_id: a.agentId, recipients: phones(10_001) }, 'recipients'],
      [
        { agent_id: a.agentId, recipients: phones(1), calling_window: { start: '9am', end: '17:00' } },
        'calling_window.start',
      ],
      [
        {
          agent_id: a.agentId,
          recipients: phones(1),
          calling_window: { start: '09:00', end: '17:00', timezone: 'Mars/Base' },
        },
        'calling_window.timezone',
      ],
      [
        {
          agent_id: a.agentId,
          recipients: phones(1),
          calling_window: { start: '09:00', end: '17:00', days: ['funday'] },
        },
        'calling_window.days[0]',
      ],
    ] as const) {
      const bad = await request('POST', '/v1/calls/batch', { key: a.key, body });
      expect(bad.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(expectEnvelope(bad).param).toBe(param);
    }
    const inactive = await request('POST', '/v1/agents', {
      key: a.key,
      body: { name: 'off', prompt: 'p', status: 'inactive' },
    });
    expect(
      (
        await request('POST', '/v1/calls/batch', {
          key: a.key,
          body: { agent_id: inactive.body.id, recipients: phones(1) },
        })
      ).status,
    ).toBe(422);
  });

  it('dials duplicated phones once', async () => {
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        metadata: quick,
        recipients: [
          { phone: '+14155550110', variables: { name: 'first' } },
          { phone: '+14155550111' },
          { phone: '+14155550110', variables: { name: 'second' } },
        ],
      },
    });
    expect(r.body).toMatchObject({ total_recipients: 2, duplicates_removed: 1 });
    await waitFor(async () => (await batchOf(a, r.body.batch_id)).status === 'completed', {
      what: 'completion',
    });
    const calls = await callsOf(a, r.body.batch_id);
    expect(calls).toHaveLength(2);
    const events = (await request('GET', '/v1/events?type=batch.completed', { key: a.key })).body.data;
    const done = events.find((e: any) => e.data.batch.id === r.body.batch_id);
    expect(done.data.batch).toMatchObject({ status: 'completed', counts: { completed: 2, pending: 0 } });
  });

  it("another account's batch is 404", async () => {
    const other = await createAccount('growth');
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: { agent_id: a.agentId, recipients: phones(1), schedule_at: Math.floor(Date.now() / 1000) + 3600 },
    });
    expect((await request('GET', `/v1/batches/${r.body.batch_id}`, { key: other.key })).status).toBe(404);
    expect((await request('POST', `/v1/batches/${r.body.batch_id}/cancel`, { key: other.key })).status).toBe(
      404,
    );
    expect(
      (
        await request('POST', `/v1/calls/batch`, {
          key: other.key,
          body: { agent_id: a.agentId, recipients: phones(1) },
        })
      ).status,
    ).toBe(404);
  });
});

describe('pacing', () => {
  it('1 000 recipients on starter: never more than 1 live call or 10 dials a minute, and every recipient is accounted for', async () => {
    const acct = await createAccount('starter');
    const factor = 500;
    // Schedule it a moment ahead so both clocks can be installed before the first dial.
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipients: phones(1000, '+1415601'),
        metadata: quick,
        schedule_at: Math.floor(Date.now() / 1000) + 1,
      },
    });
    expect(r.status).toBe(201);
    const seen = await accelerate(acct.id, r.body.batch_id, factor);
    await waitFor(async () => (await batchOf(acct, r.body.batch_id)).status === 'completed', {
      timeout: 240_000,
      interval: 500,
      what: '1 000-recipient batch',
    });
    const batch = await batchOf(acct, r.body.batch_id);
    expect(batch.counts).toMatchObject({ pending: 0, completed: 1000, not_dialed: 0 });
    const calls = await callsOf(acct, r.body.batch_id);
    expect(calls).toHaveLength(1000);
    expect(new Set(calls.map((c) => c.to_number)).size).toBe(1000);
    expect(seen.dials).toHaveLength(1000);
    expect(seen.maxHeld).toBe(1);
    const dials = [...seen.dials].sort((x, y) => x - y);
    for (let i = 10; i < dials.length; i++) expect(dials[i] - dials[i - 10]).toBeGreaterThanOrEqual(60_000);
  }, 300_000);

  it('a batch on a busy account waits for slots instead of failing', async () => {
    const acct = await createAccount('starter');
    const blocker = await request('POST', '/v1/call', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipient_phone: '+14155550120',
        metadata: { simulate: { ring_seconds: 600 } },
      },
    });
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: { agent_id: acct.agentId, recipients: phones(2, '+1415602'), metadata: quick },
    });
    await new Promise((res) => setTimeout(res, 300));
    expect(await callsOf(acct, r.body.batch_id)).toHaveLength(0);
    expect((await batchOf(acct, r.body.batch_id)).counts.pending).toBe(2);
    await request('POST', `/v1/calls/${blocker.body.call_id}/end`, { key: acct.key });
    await accelerate(acct.id, r.body.batch_id, 500); // skip the minute-long rate wait between the two dials
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    await waitFor(async () => (await batchOf(acct, r.body.batch_id)).status === 'completed', {
      timeout: 20_000,
    });
  });
});

describe('schedule and calling windows', () => {
  it('a batch scheduled an hour ahead dials nothing before then', async () => {
    const acct = await createRoomyAccount();
    const start = Math.floor(Date.now() / 1000) + 3600;
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipients: phones(3, '+1415603'),
        metadata: quick,
        schedule_at: start,
      },
    });
    const clock = { now: Date.now() };
    await runInDurableObject(dispatcher(r.body.batch_id), (inst: BatchDispatcher) => {
      inst.clock = () => clock.now;
    });
    clock.now = start * 1000 - 1000;
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await callsOf(acct, r.body.batch_id)).toHaveLength(0);
    expect((await batchOf(acct, r.body.batch_id)).status).toBe('scheduled');
    clock.now = start * 1000;
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await callsOf(acct, r.body.batch_id)).toHaveLength(3);
    expect((await batchOf(acct, r.body.batch_id)).status).toBe('running');
  });

  it('09:00–17:00 in the recipient zone dials New York and Los Angeles at different UTC times', async () => {
    const acct = await createRoomyAccount();
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        metadata: quick,
        schedule_at: Math.floor(Date.now() / 1000) + 3600,
        recipients: [{ phone: '+12125550130' }, { phone: '+12135550131' }], // 212 Manhattan, 213 Los Angeles
        calling_window: {
          start: '09:00',
          end: '17:00',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          timezone: 'recipient',
        },
      },
    });
    const clock = { now: Date.parse('2030-11-25T13:59:00Z') }; // a Monday (years after schedule_at, so the test never ages): 08:59 in New York, 05:59 in Los Angeles
    await runInDurableObject(dispatcher(r.body.batch_id), (inst: BatchDispatcher) => {
      inst.clock = () => clock.now;
    });
    const dialled = async () => (await callsOf(acct, r.body.batch_id)).map((c) => c.to_number).sort();
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await dialled()).toEqual([]);
    clock.now = Date.parse('2030-11-25T14:00:00Z'); // 09:00 New York
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await dialled()).toEqual(['+12125550130']);
    clock.now = Date.parse('2030-11-25T16:59:00Z'); // 08:59 Los Angeles
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await dialled()).toEqual(['+12125550130']);
    // The dispatcher itself asks to wake when Los Angeles opens.
    const wake = await runInDurableObject(dispatcher(r.body.batch_id), (_i, state) =>
      state.storage.getAlarm(),
    );
    expect(wake).not.toBeNull();
    clock.now = Date.parse('2030-11-25T17:00:00Z'); // 09:00 Los Angeles
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await dialled()).toEqual(['+12125550130', '+12135550131']);
  });

  it('a fixed zone and weekdays: nothing on Saturday', async () => {
    const acct = await createRoomyAccount();
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        metadata: quick,
        schedule_at: Math.floor(Date.now() / 1000) + 3600,
        recipients: [{ phone: '+447700900123' }],
        calling_window: {
          start: '10:00',
          end: '18:00',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          timezone: 'Europe/London',
        },
      },
    });
    const clock = { now: Date.parse('2030-11-23T12:00:00Z') }; // Saturday noon in London
    await runInDurableObject(dispatcher(r.body.batch_id), (inst: BatchDispatcher) => {
      inst.clock = () => clock.now;
    });
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await callsOf(acct, r.body.batch_id)).toHaveLength(0);
    clock.now = Date.parse('2030-11-25T10:00:00Z');
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    expect(await callsOf(acct, r.body.batch_id)).toHaveLength(1);
  });
});

describe('cancel and restarts', () => {
  it('cancel stops pending dials; live calls finish', async () => {
    const acct = await createAccount('starter');
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipients: phones(20, '+1415604'),
        metadata: { simulate: { ring_seconds: 0, talk_seconds: 30 } },
      },
    });
    await waitFor(async () => (await callsOf(acct, r.body.batch_id)).length === 1, { what: 'first dial' });
    const canceled = await request('POST', `/v1/batches/${r.body.batch_id}/cancel`, { key: acct.key });
    expect(canceled.body.status).toBe('canceled');
    expect(canceled.body.counts.pending).toBe(0);
    expect(canceled.body.counts.canceled).toBe(19);
    await waitFor(async () => (await batchOf(acct, r.body.batch_id)).completed_at, {
      what: 'live call to finish',
    });
    expect(await callsOf(acct, r.body.batch_id)).toHaveLength(1);
    expect((await callsOf(acct, r.body.batch_id))[0].status).toBe('completed');
  });

  it('evicting the dispatcher mid-batch loses no recipient and dials none twice', async () => {
    const acct = await createAccount('starter');
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipients: phones(40, '+1415605'),
        metadata: quick,
        schedule_at: Math.floor(Date.now() / 1000) + 1,
      },
    });
    await accelerate(acct.id, r.body.batch_id, 500);
    await waitFor(async () => (await callsOf(acct, r.body.batch_id)).length >= 10, { what: 'progress' });
    for (let i = 0; i < 3; i++) {
      await evictDurableObject(dispatcher(r.body.batch_id));
      // A fresh instance forgets the test clock: install it again, as a restarted object would resume.
      await accelerate(acct.id, r.body.batch_id, 500);
      await new Promise((res) => setTimeout(res, 150));
    }
    await runDurableObjectAlarm(dispatcher(r.body.batch_id));
    await waitFor(async () => (await batchOf(acct, r.body.batch_id)).status === 'completed', {
      timeout: 60_000,
      what: 'completion after evictions',
    });
    const calls = await callsOf(acct, r.body.batch_id);
    expect(calls).toHaveLength(40);
    expect(new Set(calls.map((c) => c.to_number)).size).toBe(40);
  }, 90_000);
});
