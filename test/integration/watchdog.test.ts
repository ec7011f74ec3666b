// The cron watchdog (issue #12, src/services/watchdog.ts): objects whose alarm the platform gave up on
// (D1 or the limiter down longer than its retries) are woken and finish their work.
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RtbExchange } from '../../src/durable-objects/rtb-exchange';
import { dispatcherFor, exchangeFor, sessionFor } from '../../src/durable-objects/stubs';
import worker from '../../src/index';
import { createRoomyAccount, env, request, type TestAccount } from '../helpers/harness';
import { waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

const cron = () =>
  worker.scheduled(
    { cron: '*/5 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController,
    env,
  );
const getCall = async (id: string) => (await request('GET', `/v1/calls/${id}`, { key: a.key })).body;
/**
 * What the platform does once an alarm has failed too often: nothing is scheduled any more. For a
 * CallSession this runs after the transition in progress (its `serial` chain), which would re-arm it.
 */
const dropAlarm = (stub: DurableObjectStub) =>
  runInDurableObject(stub, async (inst: unknown, state: DurableObjectState) => {
    const serial = (inst as { serial?: (fn: () => Promise<void>) => Promise<void> }).serial?.bind(inst);
    const drop = () => state.storage.deleteAlarm();
    await (serial ? serial(drop) : drop());
  });
const age = (table: string, id: string, seconds: number) =>
  shardsDb
    .prepare(`UPDATE ${table} SET created_at = created_at - ?, updated_at = updated_at - ? WHERE id = ?`)
    .bind(seconds, seconds, id)
    .run();

describe('cron watchdog', () => {
  it('a live call whose alarm is gone is woken and finishes', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipient_phone: '+14155550301',
        max_duration: 120, // 1.2 s at this time scale; the talk would last 72 s
        metadata: { simulate: { talk_seconds: 7200, ring_seconds: 0 } },
      },
    });
    const id = r.body.call_id as string;
    // After the last duration mark the next timer is max_duration: drop the alarm in that gap.
    await waitFor(
      async () =>
        ((await request('GET', `/v1/events?call_id=${id}`, { key: a.key })).body.data as any[]).some(
          (e) => e.type === 'call.on_60_secs_mark',
        ),
      { what: 'the last mark' },
    );
    await dropAlarm(sessionFor(env, id));
    await age('calls', id, 4000); // older than max_duration plus the margin
    await new Promise((res) => setTimeout(res, 1500)); // max_duration passes unseen
    expect((await getCall(id)).status).toBe('in_progress');
    await cron();
    await waitFor(async () => (await getCall(id)).status === 'completed', {
      what: 'completed after the cron',
    });
    expect((await getCall(id)).end_reason).toBe('max_duration');
  });

  it('a call whose session never started fails as session_lost, with call.failure, and frees its slot', async () => {
    const id = `call_lost${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const old = Math.floor(Date.now() / 1000) - 4000;
    await shardsDb
      .prepare(
        `INSERT INTO calls (id, account_id, agent_id, direction, to_number, status, provider, max_duration, created_at, updated_at, variables, metadata, converted)
       VALUES (?, ?, ?, 'outbound', '+14155550302', 'queued', 'simulator', 1800, ?, ?, '{}', '{}', 0)`,
      )
      .bind(id, a.id, a.agentId, old, old)
      .run();
    await cron();
    await waitFor(async () => (await getCall(id)).status === 'failed', { what: 'failed' });
    expect((await getCall(id)).end_reason).toBe('session_lost');
    const events = (await request('GET', `/v1/events?call_id=${id}`, { key: a.key })).body.data;
    expect(events.map((e: any) => e.type)).toEqual(['call.failure']);
  });

  it('a batch whose alarm is gone is woken and completes', async () => {
    const r = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipients: [{ phone: '+15005550002' }],
        schedule_at: Math.floor(Date.now() / 1000) + 2,
      },
    });
    const batchId = r.body.batch_id as string;
    await dropAlarm(dispatcherFor(env, batchId));
    await age('batches', batchId, 4000);
    await new Promise((res) => setTimeout(res, 2500));
    expect((await request('GET', `/v1/batches/${batchId}`, { key: a.key })).body.status).toBe('scheduled');
    await cron();
    await waitFor(
      async () =>
        (await request('GET', `/v1/batches/${batchId}`, { key: a.key })).body.status === 'completed',
      { what: 'batch completed after the cron' },
    );
  });

  it('bids left in the RTB log are flushed to D1', async () => {
    const ep = await request('POST', '/v1/rtb_endpoints', {
      key: a.key,
      body: { name: 'Publisher', campaign_name: 'Watchdog' },
    });
    expect(ep.status, ep.text).toBe(201);
    const bidId = `bid_wd${crypto.randomUUID().slice(0, 8)}`;
    const stub = exchangeFor(env, a.id);
    await runInDurableObject(stub, async (inst: RtbExchange, state: DurableObjectState) => {
      state.storage.kv.put('account_id', a.id);
      const row = {
        id: bidId,
        endpointId: ep.body.id,
        eligibleCount: 0,
        createdAt: Math.floor(Date.now() / 1000),
      };
      state.storage.sql.exec('INSERT INTO bid_log (row) VALUES (?)', JSON.stringify(row));
      (inst as unknown as { logPending: boolean }).logPending = true;
      await state.storage.deleteAlarm();
    });
    await cron();
    await waitFor(
      async () => !!(await shardsDb.prepare('SELECT id FROM rtb_bids WHERE id = ?').bind(bidId).first()),
      { what: 'bid flushed' },
    );
  });
});
