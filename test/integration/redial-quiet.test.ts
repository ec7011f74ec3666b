// Issue #17 part 2: redial policies and quiet hours (README "Redials", "Quiet hours"), on a hand-driven clock.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchDispatcher } from '../../src/durable-objects/batch-dispatcher';
import type { CallSession } from '../../src/durable-objects/call-session';
import { armFault, disarmFaults, timesReached, type FaultPoint } from '../../src/lib/faults';
import { systemCtx, withAccount } from '../../src/services/context';
import { nextQuietOpening, quietHoursGate } from '../../src/services/quiet-hours';
import { wakeStalled } from '../../src/services/watchdog';
import { zonedParts } from '../../src/lib/zoned-time';
import { createRoomyAccount, env, expectEnvelope, request, type TestAccount } from '../helpers/harness';
import { waitFor } from '../helpers/receiver';
import { perShard, shardsDb } from '../helpers/shards';

const BUSY = '+15005550002';
const dispatcher = (id: string) => env.BATCH_DISPATCHER.get(env.BATCH_DISPATCHER.idFromName(id));
const session = (id: string) => env.CALL_SESSION.get(env.CALL_SESSION.idFromName(id));

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});
afterEach(() => disarmFaults());

const batchOf = async (acct: TestAccount, id: string) =>
  (await request('GET', `/v1/batches/${id}`, { key: acct.key })).body;
const callsOf = async (batchId: string) =>
  (
    await shardsDb
      .prepare(
        'SELECT id, status, attempt, first_call_id, next_attempt_at FROM calls WHERE batch_id = ? ORDER BY attempt',
      )
      .bind(batchId)
      .all<{
        id: string;
        status: string;
        attempt: number;
        first_call_id: string | null;
        next_attempt_at: number | null;
      }>()
  ).results;

/** Installs a hand-driven clock in the batch's dispatcher (again after a crash: a fresh instance forgets it). */
const driveClock = (batchId: string, clock: { now: number }) =>
  runInDurableObject(dispatcher(batchId), (inst: BatchDispatcher) => {
    inst.clock = () => clock.now;
  });

async function busyBatch(acct: TestAccount, redial: unknown, extra: Record<string, unknown> = {}) {
  const r = await request('POST', '/v1/calls/batch', {
    key: acct.key,
    body: {
      agent_id: acct.agentId,
      recipients: [{ phone: BUSY }],
      metadata: { simulate: { ring_seconds: 0 } },
      schedule_at: Math.floor(Date.now() / 1000) + 3600, // nothing dials before the test's clock is installed
      redial,
      ...extra,
    },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.batch_id as string;
}

/** Waits until the busy attempt `n` has ended and its redial is recorded (the recipient is pending again). */
const redialRecorded = (acct: TestAccount, batchId: string, n: number) =>
  waitFor(
    async () => {
      const c = await callsOf(batchId);
      return c.length === n && c[n - 1].status === 'busy' && c[n - 1].next_attempt_at !== null && c;
    },
    { what: `redial after attempt ${n}` },
  );

describe('redial policy validation', () => {
  it('rejects a bad policy with 400 naming the field, and stores nothing', async () => {
    const before = (await request('GET', '/v1/batches?include_total=true', { key: a.key })).body.total;
    for (const [redial, param] of [
      [{ busy: { attempts: 2, after_seconds: 29 } }, 'redial.busy.after_seconds'],
      [{ busy: { attempts: 0, after_seconds: 600 } }, 'redial.busy.attempts'],
      [{ no_answer: { attempts: 1.5, after_seconds: 600 } }, 'redial.no_answer.attempts'],
      [{ busy: { attempts: 1 } }, 'redial.busy.after_seconds'],
      [{ voicemail: { attempts: 1, after_seconds: 60, extra: 1 } }, 'redial.voicemail.extra'],
      [{ completed: { attempts: 1, after_seconds: 60 } }, 'redial.completed'],
      ['busy', 'redial'],
    ] as const) {
      const batch = await request('POST', '/v1/calls/batch', {
        key: a.key,
        body: { agent_id: a.agentId, recipients: [{ phone: BUSY }], redial },
      });
      expect(batch.status, JSON.stringify(redial)).toBe(400);
      expect(expectEnvelope(batch).param).toBe(param);
      const call = await request('POST', '/v1/call', {
        key: a.key,
        body: { agent_id: a.agentId, recipient_phone: BUSY, redial },
      });
      expect(call.status).toBe(400);
      expect(expectEnvelope(call).param).toBe(param);
      const agent = await request('PATCH', `/v1/agents/${a.agentId}`, { key: a.key, body: { redial } });
      expect(agent.status).toBe(400);
      expect(expectEnvelope(agent).param).toBe(param);
    }
    expect((await request('GET', '/v1/batches?include_total=true', { key: a.key })).body.total).toBe(before);
    const bad = await request('PUT', '/v1/account/quiet_hours', {
      key: a.key,
      body: { start: '8:00', end: '21:00' },
    });
    expect(bad.status).toBe(400);
    expect(expectEnvelope(bad).param).toBe('start');
    const mode = await request('PUT', '/v1/account/quiet_hours', {
      key: a.key,
      body: { start: '08:00', end: '21:00', when_closed: 'later' },
    });
    expect(expectEnvelope(mode).param).toBe('when_closed');
    expect((await request('GET', '/v1/account', { key: a.key })).body.quiet_hours).toBeNull();
  });
});

describe('batch redials', () => {
  it('a busy number is dialled exactly 1 + attempts times, at the right times, inside the window, counted once', async () => {
    const acct = await createRoomyAccount();
    const batchId = await busyBatch(
      acct,
      { busy: { attempts: 2, after_seconds: 1800 } },
      {
        calling_window: {
          start: '09:00',
          end: '17:00',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          timezone: 'America/New_York',
        },
      },
    );
    const clock = { now: Date.parse('2027-01-04T21:00:00Z') }; // Monday 16:00 in New York
    await driveClock(batchId, clock);
    await runDurableObjectAlarm(dispatcher(batchId));
    const [first] = await redialRecorded(acct, batchId, 1);
    expect(first.attempt).toBe(1);
    expect(first.next_attempt_at).toBe(Date.parse('2027-01-04T21:30:00Z') / 1000);
    expect((await batchOf(acct, batchId)).counts).toMatchObject({ pending: 1, busy: 0 });

    clock.now = Date.parse('2027-01-04T21:29:00Z'); // one minute early: nothing
    await runDurableObjectAlarm(dispatcher(batchId));
    expect(await callsOf(batchId)).toHaveLength(1);
    clock.now = Date.parse('2027-01-04T21:30:00Z'); // 16:30: the first redial
    await runDurableObjectAlarm(dispatcher(batchId));
    const two = await redialRecorded(acct, batchId, 2);
    expect(two[1]).toMatchObject({ attempt: 2, first_call_id: first.id });

    // Dispatcher clocks are set after schedule_at (an hour from the real now), so these dates lie ahead.
    // The third attempt falls due at 17:00, when the window has closed: it waits for Tuesday 09:00.
    clock.now = Date.parse('2027-01-04T22:00:00Z');
    await runDurableObjectAlarm(dispatcher(batchId));
    clock.now = Date.parse('2027-01-05T13:59:00Z'); // Tuesday 08:59
    await runDurableObjectAlarm(dispatcher(batchId));
    expect(await callsOf(batchId)).toHaveLength(2);
    clock.now = Date.parse('2027-01-05T14:00:00Z'); // Tuesday 09:00
    await runDurableObjectAlarm(dispatcher(batchId));
    await waitFor(async () => (await batchOf(acct, batchId)).status === 'completed', { what: 'completion' });

    const calls = await callsOf(batchId);
    expect(calls.map((c) => [c.attempt, c.status, c.first_call_id])).toEqual([
      [1, 'busy', null],
      [2, 'busy', first.id],
      [3, 'busy', first.id],
    ]);
    const batch = await batchOf(acct, batchId);
    expect(batch.redial).toEqual({ busy: { attempts: 2, after_seconds: 1800 } });
    expect(batch.counts).toMatchObject({ pending: 0, busy: 1, completed: 0 });
    const counted = Object.values(batch.counts as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(counted).toBe(1); // one recipient, counted once by its final attempt
    const done = (await request('GET', '/v1/events?type=batch.completed&limit=100', { key: acct.key })).body
      .data;
    expect(done.find((e: any) => e.data.batch.id === batchId).data.batch.counts.busy).toBe(1);
  });

  it("the agent's policy is the default; batch.completed waits for the last redial", async () => {
    const acct = await createRoomyAccount();
    const patched = await request('PATCH', `/v1/agents/${acct.agentId}`, {
      key: acct.key,
      body: { redial: { busy: { attempts: 1, after_seconds: 60 } } },
    });
    expect(patched.body.redial).toEqual({ busy: { attempts: 1, after_seconds: 60 } });
    const batchId = await busyBatch(acct, undefined);
    const clock = { now: Date.now() + 3_600_000 };
    await driveClock(batchId, clock);
    await runDurableObjectAlarm(dispatcher(batchId));
    await redialRecorded(acct, batchId, 1);
    // Every placed call has ended, but the batch is not done: a redial is pending.
    await runDurableObjectAlarm(dispatcher(batchId));
    expect((await batchOf(acct, batchId)).status).toBe('running');
    clock.now += 60_000;
    await runDurableObjectAlarm(dispatcher(batchId));
    await waitFor(async () => (await batchOf(acct, batchId)).status === 'completed', { what: 'completion' });
    expect(await callsOf(batchId)).toHaveLength(2);
  });

  it('cancelling the batch cancels its pending redials', async () => {
    const acct = await createRoomyAccount();
    const batchId = await busyBatch(acct, { busy: { attempts: 3, after_seconds: 600 } });
    const clock = { now: Date.now() + 3_600_000 };
    await driveClock(batchId, clock);
    await runDurableObjectAlarm(dispatcher(batchId));
    await redialRecorded(acct, batchId, 1);
    const canceled = await request('POST', `/v1/batches/${batchId}/cancel`, { key: acct.key });
    expect(canceled.body).toMatchObject({ status: 'canceled', counts: { pending: 0, canceled: 1, busy: 0 } });
    clock.now += 3 * 600_000;
    await runDurableObjectAlarm(dispatcher(batchId));
    await runDurableObjectAlarm(dispatcher(batchId));
    expect(await callsOf(batchId)).toHaveLength(1);
    await waitFor(async () => (await batchOf(acct, batchId)).completed_at, { what: 'batch closed' });
    expect((await batchOf(acct, batchId)).status).toBe('canceled');
  });

  it('a number suppressed after a busy attempt is never redialled, and counts as suppressed', async () => {
    const acct = await createRoomyAccount();
    const batchId = await busyBatch(acct, { busy: { attempts: 3, after_seconds: 600 } });
    const clock = { now: Date.now() + 3_600_000 };
    await driveClock(batchId, clock);
    await runDurableObjectAlarm(dispatcher(batchId));
    await redialRecorded(acct, batchId, 1);
    const added = await request('POST', '/v1/suppressions', {
      key: acct.key,
      body: { phone: BUSY, channel: 'call', reason: 'opted_out' },
    });
    expect(added.status, added.text).toBe(201);
    clock.now += 600_000; // the redial falls due
    await runDurableObjectAlarm(dispatcher(batchId));
    await runDurableObjectAlarm(dispatcher(batchId));
    await waitFor(async () => (await batchOf(acct, batchId)).status === 'completed', { what: 'completion' });
    expect(await callsOf(batchId)).toHaveLength(1);
    expect((await batchOf(acct, batchId)).counts).toMatchObject({ suppressed: 1, busy: 0, pending: 0 });
  });

  for (const point of ['batch-before-redial', 'batch-before-redial-mark'] as FaultPoint[]) {
    it(`a crash at ${point} loses no redial and doubles none`, async () => {
      const acct = await createRoomyAccount();
      const batchId = await busyBatch(acct, { busy: { attempts: 1, after_seconds: 600 } });
      const clock = { now: Date.now() + 3_600_000 };
      await driveClock(batchId, clock);
      armFault(env, point, { kind: 'abort' });
      await runDurableObjectAlarm(dispatcher(batchId));
      await waitFor(() => timesReached(point) > 0, { what: 'the crash' });
      await waitFor(async () => (await callsOf(batchId))[0]?.status === 'busy', { what: 'busy' });
      // The platform retries the crashed alarm; a fresh instance, so the clock goes in again.
      await driveClock(batchId, clock);
      await runDurableObjectAlarm(dispatcher(batchId)).catch(() => undefined);
      await redialRecorded(acct, batchId, 1);
      await runDurableObjectAlarm(dispatcher(batchId)); // a repeated alarm schedules nothing more
      clock.now += 600_000;
      await runDurableObjectAlarm(dispatcher(batchId));
      await waitFor(async () => (await batchOf(acct, batchId)).status === 'completed', {
        what: 'completion',
      });
      const calls = await callsOf(batchId);
      expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
      expect((await batchOf(acct, batchId)).counts).toMatchObject({ busy: 1, pending: 0 });
    });
  }
});

describe('single-call redials', () => {
  /** Brings the session's scheduled timer to now (the hand-driven clock of a CallSession) and runs it. */
  const dueNow = async (callId: string) => {
    await runInDurableObject(session(callId), async (_i: CallSession, state) => {
      const s: any = await state.storage.get('state');
      s.timers = s.timers.map((t: any) => ({ ...t, at: Date.now() }));
      await state.storage.put('state', s);
    });
    await runDurableObjectAlarm(session(callId));
  };

  it('a busy call with a policy emits call.redial_scheduled and its next attempt is a scheduled call', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipient_phone: BUSY,
        redial: { busy: { attempts: 1, after_seconds: 90 } },
      },
    });
    expect(r.status, r.text).toBe(201);
    const first = r.body.call_id as string;
    const event = await waitFor(
      async () =>
        (
          await request('GET', '/v1/events?type=call.redial_scheduled&limit=100', { key: a.key })
        ).body.data.find((e: any) => e.data.call.id === first),
      { what: 'call.redial_scheduled' },
    );
    const ended = (await request('GET', `/v1/calls/${first}`, { key: a.key })).body;
    expect(ended).toMatchObject({ status: 'busy', attempt: 1, next_attempt_at: ended.ended_at + 90 });
    expect(event.data.redial).toMatchObject({
      attempt: 2,
      first_call_id: first,
      scheduled_at: ended.ended_at + 90,
    });
    const next = (await request('GET', `/v1/calls/${event.data.redial.call_id}`, { key: a.key })).body;
    expect(next).toMatchObject({
      status: 'scheduled',
      attempt: 2,
      first_call_id: first,
      scheduled_at: ended.ended_at + 90,
    });
    await dueNow(next.id);
    await waitFor(
      async () => (await request('GET', `/v1/calls/${next.id}`, { key: a.key })).body.status === 'busy',
      {
        what: 'the redial dialled',
      },
    );
    // Its one attempt is used up: no third call.
    await new Promise((res) => setTimeout(res, 200));
    const all = await shardsDb
      .prepare('SELECT COUNT(*) AS n FROM calls WHERE id = ? OR first_call_id = ?')
      .bind(first, first)
      .first<{ n: number }>();
    expect(all?.n).toBe(2);
  });

  it('a crash between the end of the attempt and scheduling its redial loses none and doubles none', async () => {
    armFault(env, 'redial-mid-schedule', { kind: 'abort' });
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipient_phone: BUSY,
        redial: { busy: { attempts: 2, after_seconds: 60 } },
      },
    });
    const first = r.body.call_id as string;
    await waitFor(() => timesReached('redial-mid-schedule') > 0, { what: 'the crash' });
    await runDurableObjectAlarm(session(first)).catch(() => undefined); // the platform's retry
    await runDurableObjectAlarm(session(first)).catch(() => undefined); // and a duplicate one
    const rows = await waitFor(async () => {
      const q = await shardsDb
        .prepare('SELECT id, status, attempt FROM calls WHERE first_call_id = ?')
        .bind(first)
        .all<{ id: string; status: string; attempt: number }>();
      return q.results.length > 0 && q.results;
    });
    expect(rows).toEqual([{ id: expect.any(String), status: 'scheduled', attempt: 2 }]);
    const events = (await request('GET', '/v1/events?type=call.redial_scheduled&limit=100', { key: a.key }))
      .body.data;
    expect(events.filter((e: any) => e.data.call.id === first)).toHaveLength(1);
  });
});

describe('quiet hours', () => {
  const hm = (ms: number, zone: string) => {
    const p = zonedParts(ms, zone);
    return p.h * 60 + p.mi;
  };
  const fmt = (m: number) =>
    `${String(Math.floor((((m % 1440) + 1440) % 1440) / 60)).padStart(2, '0')}:${String((((m % 1440) + 1440) % 1440) % 60).padStart(2, '0')}`;

  it("refuses or schedules a single call by the recipient's own zone", async () => {
    const acct = await createRoomyAccount();
    const ny = hm(Date.now(), 'America/New_York');
    // Open from an hour ago to an hour ahead in New York: closed in Los Angeles, three hours behind.
    const set = await request('PUT', '/v1/account/quiet_hours', {
      key: acct.key,
      body: { start: fmt(ny - 60), end: fmt(ny + 60) },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ when_closed: 'refuse' });
    expect((await request('GET', '/v1/account', { key: acct.key })).body.quiet_hours).toEqual(set.body);
    const call = (to: string, extra = {}) =>
      request('POST', '/v1/call', {
        key: acct.key,
        body: { agent_id: acct.agentId, recipient_phone: to, ...extra },
      });
    expect((await call('+12125550170')).status).toBe(201); // Manhattan
    const la = await call('+12135550171'); // Los Angeles
    expect(la.status).toBe(422);
    expect(expectEnvelope(la).param).toBe('recipient_phone');
    const before = await shardsDb
      .prepare('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?')
      .bind(acct.id)
      .first<{ n: number }>();
    expect(before?.n).toBe(1); // the refused call stored nothing

    const scheduled = await call('+12135550172', { when_closed: 'schedule' });
    expect(scheduled.status, scheduled.text).toBe(201);
    expect(scheduled.body.status).toBe('scheduled');
    const row = (await request('GET', `/v1/calls/${scheduled.body.call_id}`, { key: acct.key })).body;
    expect(hm(row.scheduled_at * 1000, 'America/Los_Angeles')).toBe((((ny - 60) % 1440) + 1440) % 1440);
    expect(row.scheduled_at * 1000).toBeGreaterThan(Date.now());

    // Its alarm is lost and its time has passed: the cron watchdog dials it.
    await runInDurableObject(session(row.id), async (_i: CallSession, state) => {
      const s: any = await state.storage.get('state');
      s.timers = s.timers.map((t: any) => ({ ...t, at: Date.now() - 1000 }));
      await state.storage.put('state', s);
      await state.storage.deleteAlarm();
    });
    await shardsDb
      .prepare('UPDATE calls SET scheduled_at = ? WHERE id = ?')
      .bind(Math.floor(Date.now() / 1000) - 3600, row.id)
      .run();
    for (const ctx of perShard(systemCtx(env))) await wakeStalled(ctx);
    await waitFor(
      async () =>
        (await request('GET', `/v1/calls/${row.id}`, { key: acct.key })).body.status === 'completed',
      { what: 'the scheduled call dialled', timeout: 20_000 },
    );

    // The account's default can be to schedule; DELETE turns quiet hours off.
    await request('PUT', '/v1/account/quiet_hours', {
      key: acct.key,
      body: { start: fmt(ny - 60), end: fmt(ny + 60), when_closed: 'schedule' },
    });
    expect((await call('+12135550173')).body.status).toBe('scheduled');
    expect((await call('+12135550174', { when_closed: 'refuse' })).status).toBe(422);
    expect((await request('DELETE', '/v1/account/quiet_hours', { key: acct.key })).status).toBe(200);
    expect((await call('+12135550175')).body.status).toBe('queued');
    const audit = (await request('GET', '/v1/audit_events?limit=100', { key: acct.key })).body.data;
    expect(audit.filter((e: any) => e.resource_type === 'account_settings').length).toBeGreaterThanOrEqual(3);
  });

  it('across the DST changes in New York the next open time is 08:00 local', async () => {
    const q = { start: '08:00', end: '21:00', when_closed: 'schedule' as const };
    // 2026-03-08: clocks go forward at 02:00 EST. 01:30 EST = 06:30Z; 08:00 EDT = 12:00Z (not 13:00Z).
    expect(
      new Date(nextQuietOpening(q, ['America/New_York'], Date.parse('2026-03-08T06:30:00Z'))!).toISOString(),
    ).toBe('2026-03-08T12:00:00.000Z');
    // 2026-11-01: clocks go back at 02:00 EDT. 01:30 EDT = 05:30Z; 08:00 EST = 13:00Z.
    expect(
      new Date(nextQuietOpening(q, ['America/New_York'], Date.parse('2026-11-01T05:30:00Z'))!).toISOString(),
    ).toBe('2026-11-01T13:00:00.000Z');
    const acct = await createRoomyAccount();
    await request('PUT', '/v1/account/quiet_hours', { key: acct.key, body: q });
    const ctx = withAccount(systemCtx(env), { id: acct.id });
    // 20:59 EST on 2026-11-01 (01:59Z next day) is open; 21:00 is not.
    expect(
      await quietHoursGate(ctx, '+12125550180', undefined, Date.parse('2026-11-02T01:59:00Z')),
    ).toBeNull();
    expect(await quietHoursGate(ctx, '+12125550180', undefined, Date.parse('2026-11-02T02:00:00Z'))).toBe(
      Date.parse('2026-11-02T13:00:00Z'),
    );
    await expect(
      quietHoursGate(ctx, '+12125550180', 'refuse', Date.parse('2026-03-08T11:59:00Z')),
    ).rejects.toMatchObject({ code: 'unprocessable', param: 'recipient_phone' });
    expect(
      await quietHoursGate(ctx, '+12125550180', 'refuse', Date.parse('2026-03-08T12:00:00Z')),
    ).toBeNull();
  });

  it('a batch waits for quiet hours in the recipient zone (the Monday after the 2027 spring change)', async () => {
    const acct = await createRoomyAccount();
    await request('PUT', '/v1/account/quiet_hours', {
      key: acct.key,
      body: { start: '08:00', end: '21:00' },
    });
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipients: [{ phone: '+12125550190' }, { phone: '+12135550191' }], // New York, Los Angeles
        metadata: { simulate: { ring_seconds: 0, talk_seconds: 1 } },
        schedule_at: Math.floor(Date.now() / 1000) + 3600,
      },
    });
    const batchId = r.body.batch_id as string;
    const clock = { now: Date.parse('2027-03-15T11:59:00Z') }; // 07:59 EDT in New York
    await driveClock(batchId, clock);
    const dialled = async () =>
      (
        await shardsDb
          .prepare('SELECT to_number FROM calls WHERE batch_id = ? ORDER BY to_number')
          .bind(batchId)
          .all<{ to_number: string }>()
      ).results.map((c) => c.to_number);
    await runDurableObjectAlarm(dispatcher(batchId));
    expect(await dialled()).toEqual([]);
    clock.now = Date.parse('2027-03-15T12:00:00Z'); // 08:00 EDT (it would be 07:00 on standard time)
    await runDurableObjectAlarm(dispatcher(batchId));
    expect(await dialled()).toEqual(['+12125550190']);
    clock.now = Date.parse('2027-03-15T14:59:00Z'); // 07:59 PDT
    await runDurableObjectAlarm(dispatcher(batchId));
    expect(await dialled()).toEqual(['+12125550190']);
    clock.now = Date.parse('2027-03-15T15:00:00Z'); // 08:00 PDT
    await runDurableObjectAlarm(dispatcher(batchId));
    expect(await dialled()).toEqual(['+12125550190', '+12135550191']);
  });
});
