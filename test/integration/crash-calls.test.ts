// Crash safety of a call (issue #12): each test injects a fault exactly in one window (src/lib/faults.ts)
// and checks the promise still holds after the platform retries. README "Reliability" lists them.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { armFault, disarmFaults, timesReached } from '../../src/lib/faults';
import { sessionFor } from '../../src/durable-objects/stubs';
import { createRoomyAccount, env, request, type TestAccount } from '../helpers/harness';
import { deliveriesTo, installReceiver, receiverUrl, verify, waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
let hookUrl: string;
let secret: string;

beforeAll(async () => {
  installReceiver();
  a = await createRoomyAccount();
  hookUrl = receiverUrl('crash-calls');
  const ep = await request('POST', '/v1/webhook_endpoints', { key: a.key, body: { url: hookUrl } });
  expect(ep.status).toBe(201);
  secret = ep.body.secret;
});
afterEach(() => disarmFaults());

const place = async (phone: string, simulate: Record<string, unknown> = { talk_seconds: 2 }) => {
  const r = await request('POST', '/v1/call', {
    key: a.key,
    body: { agent_id: a.agentId, recipient_phone: phone, metadata: { simulate } },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.call_id as string;
};
const eventsOf = async (callId: string) =>
  ((await request('GET', `/v1/events?call_id=${callId}&limit=100`, { key: a.key })).body.data as any[])
    .slice()
    .reverse();
const getCall = async (id: string) => (await request('GET', `/v1/calls/${id}`, { key: a.key })).body;
const dialsOf = async (callId: string) =>
  (
    await shardsDb
      .prepare('SELECT COUNT(*) AS n FROM simulator_dials WHERE call_id = ?')
      .bind(callId)
      .first<{ n: number }>()
  )?.n;
const cron = () =>
  worker.scheduled(
    { cron: '*/5 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController,
    env,
  );

describe('event written, deliveries never created', () => {
  it('a fan-out that dies after the event insert still delivers every event of the call', async () => {
    armFault(env, 'after-event-insert', { kind: 'throw' });
    const id = await place('+14155550201');
    await waitFor(async () => (await getCall(id)).status === 'completed', { what: 'completed' });
    await waitFor(async () => (await eventsOf(id)).some((e) => e.type === 'call.completed'));
    expect(timesReached('after-event-insert')).toBeGreaterThan(0);
    // The queue send that died with the fan-out is repaired by the cron sweep.
    const events = await eventsOf(id);
    for (const e of events) {
      const detail = (await request('GET', `/v1/events/${e.id}`, { key: a.key })).body;
      expect(detail.deliveries, `${e.type} has a delivery`).toHaveLength(1);
    }
    await shardsDb
      .prepare('UPDATE deliveries SET next_attempt_at_ms = 0 WHERE status = ?')
      .bind('pending')
      .run();
    await cron();
    await waitFor(() => events.every((e) => deliveriesTo(hookUrl).some((r) => r.json?.id === e.id)), {
      what: 'every event delivered',
    });
    for (const r of deliveriesTo(hookUrl)) verify(secret, r);
  });
});

describe('at-most-once dialling', () => {
  it('a crash right after the provider accepted the call adopts that call instead of dialling again', async () => {
    armFault(env, 'after-provider-dial', { kind: 'abort' });
    const id = await place('+14155550202');
    // The platform retries the failed alarm; running it here makes the retry happen now.
    await waitFor(() => timesReached('after-provider-dial') > 0, { what: 'the dial' });
    await runDurableObjectAlarm(sessionFor(env, id)).catch(() => undefined);
    await waitFor(async () => (await getCall(id)).status === 'completed', { what: 'completed' });
    expect(await dialsOf(id)).toBe(1);
    const types = (await eventsOf(id)).map((e) => e.type);
    expect(types.filter((t) => t === 'call.connected')).toHaveLength(1);
  });
});

describe('external runtime data', () => {
  it("the runtime's summary, analysis and recording win over the simulator's; times stay ordered", async () => {
    const id = await place('+14155550203', { talk_seconds: 600 });
    await waitFor(async () => (await getCall(id)).status === 'in_progress', { what: 'answered' });
    const created = (await getCall(id)).created_at;
    const r = await request('POST', '/v2/webhooks/call-events', {
      raw: JSON.stringify({
        event: {
          type: 'call.completed',
          data: {
            call: {
              id,
              status: 'completed',
              durationSeconds: 30,
              recordingUrl: 'https://runtime.example/rec.mp3',
              startedAt: '2020-01-01T00:00:00Z',
              endedAt: '2020-01-01T00:00:30Z',
            },
            analysis: { summary: 'Runtime summary', success: true, insights: { booked: true } },
          },
        },
      }),
      headers: {
        'Content-Type': 'application/json',
        'x-public-key': a.ingestPublicKey,
        'x-private-key': a.ingestPrivateKey,
      },
    });
    expect(r.status, r.text).toBe(200);
    await waitFor(async () => (await eventsOf(id)).some((e) => e.type === 'call.completed'));
    const call = await getCall(id);
    expect(call).toMatchObject({
      status: 'completed',
      summary: 'Runtime summary',
      recording_url: 'https://runtime.example/rec.mp3',
    });
    expect(call.analysis).toMatchObject({ success: true, insights: { booked: true } });
    expect(call.ended_at).toBeGreaterThanOrEqual(call.started_at);
    expect(call.started_at).toBeGreaterThanOrEqual(created);
    const completed = (await eventsOf(id)).find((e) => e.type === 'call.completed');
    expect(completed.data.call.summary).toBe('Runtime summary');
  });
});
