import { beforeAll, describe, expect, it } from 'vitest';
import { createRoomyAccount, env, request, type TestAccount } from '../helpers/harness';
import { deliveriesTo, installReceiver, receiverUrl, verify, waitFor } from '../helpers/receiver';

let a: TestAccount;
let hookUrl: string;
let secret: string;

beforeAll(async () => {
  installReceiver();
  a = await createRoomyAccount();
  await request('PATCH', `/v1/agents/${a.agentId}`, {
    key: a.key,
    body: {
      analysis_schema: [
        { name: 'confirmed', type: 'boolean' },
        { name: 'notes', type: 'string' },
      ],
    },
  });
  hookUrl = receiverUrl('lifecycle');
  const ep = await request('POST', '/v1/webhook_endpoints', { key: a.key, body: { url: hookUrl } });
  expect(ep.status).toBe(201);
  secret = ep.body.secret;
});

async function place(body: Record<string, unknown>) {
  const r = await request('POST', '/v1/call', { key: a.key, body: { agent_id: a.agentId, ...body } });
  expect(r.status, r.text).toBe(201);
  return r.body.call_id as string;
}

async function eventsOf(callId: string) {
  const r = await request('GET', `/v1/events?call_id=${callId}&limit=100`, { key: a.key });
  return (r.body.data as any[]).slice().reverse(); // oldest first
}

const waitForEvent = (callId: string, type: string) =>
  waitFor(async () => (await eventsOf(callId)).some((e) => e.type === type) && eventsOf(callId), {
    what: `${type} for ${callId}`,
  });

describe('simulated call lifecycle', () => {
  it('a normal call produces connected, the five marks, hangup, completed — in order and signed', async () => {
    const id = await place({
      recipient_phone: '+14155550142',
      variables: { name: 'Rahul' },
      metadata: { simulate: { talk_seconds: 70, converted: true, payout: 30 } },
    });
    const events = await waitForEvent(id, 'call.completed');
    expect(events.map((e: any) => e.type)).toEqual([
      'call.connected',
      'call.on_5_secs_mark',
      'call.on_15_secs_mark',
      'call.on_30_secs_mark',
      'call.on_45_secs_mark',
      'call.on_60_secs_mark',
      'call.hangup',
      'call.converted',
      'call.completed',
    ]);
    expect(events.find((e: any) => e.type === 'call.converted').data).toMatchObject({
      payout: 30,
      reason: 'success_criterion',
    });
    const hangup = events.find((e: any) => e.type === 'call.hangup');
    expect(hangup.data).toMatchObject({ hangup_by: 'customer', end_reason: 'customer_hangup' });
    const completed = events.at(-1);
    expect(completed.data.call).toMatchObject({
      id,
      status: 'completed',
      duration: 70,
      end_reason: 'customer_hangup',
      sentiment: 'positive',
      recording_url: expect.stringMatching(new RegExp(`/v1/calls/${id}/recording$`)),
      analysis: { confirmed: true },
    });
    expect(completed.data.call.summary).toContain('Rahul');
    expect(completed.data.call.transcript[0]).toEqual({ role: 'agent', text: 'Hi Rahul!', at: 0 });

    const call = (await request('GET', `/v1/calls/${id}`, { key: a.key })).body;
    expect(call).toMatchObject({
      status: 'completed',
      answered_at: expect.any(Number),
      ended_at: expect.any(Number),
    });
    expect(call.transcript.length).toBeGreaterThan(5);

    // Every event reached the receiver, signed (standardwebhooks verifies), webhook-id = event id.
    await waitFor(
      () => deliveriesTo(hookUrl).filter((d) => d.json?.data?.call?.id === id).length >= events.length,
      { what: 'deliveries' },
    );
    const got = deliveriesTo(hookUrl).filter((d) => d.json?.data?.call?.id === id);
    for (const d of got) {
      verify(secret, d);
      expect(d.headers['webhook-id']).toBe(d.json.id);
    }
    expect(new Set(got.map((d) => d.json.type))).toEqual(new Set(events.map((e: any) => e.type)));

    const wav = await request('GET', `/v1/calls/${id}/recording`, { key: a.key });
    expect(wav.status).toBe(200);
    expect(wav.headers.get('Content-Type')).toBe('audio/wav');
  });

  it.each([
    ['+15005550002', 'busy'],
    ['+15005550003', 'no_answer'],
    ['+15005550001', 'failed'],
  ])('%s ends %s with call.failure and no hangup', async (phone, status) => {
    const id = await place({ recipient_phone: phone });
    const events = await waitForEvent(id, 'call.failure');
    expect(events.map((e: any) => e.type)).toEqual(['call.failure']);
    expect(events[0].data.call).toMatchObject({ status, end_reason: status, answered_at: null });
  });

  it('voicemail is answered, short, with outcome voicemail', async () => {
    const id = await place({ recipient_phone: '+15005550004' });
    const events = await waitForEvent(id, 'call.completed');
    expect(events.at(-1).data.call).toMatchObject({ status: 'completed', outcome: 'voicemail', duration: 8 });
    expect(events.map((e: any) => e.type)).toEqual([
      'call.connected',
      'call.on_5_secs_mark',
      'call.hangup',
      'call.completed',
    ]);
  });

  it('a call over max_duration is hung up by callplane', async () => {
    const id = await place({
      recipient_phone: '+14155550143',
      max_duration: 20,
      metadata: { simulate: { talk_seconds: 300 } },
    });
    const events = await waitForEvent(id, 'call.completed');
    expect(events.map((e: any) => e.type)).toEqual([
      'call.connected',
      'call.on_5_secs_mark',
      'call.on_15_secs_mark',
      'call.hangup',
      'call.completed',
    ]);
    expect(events.find((e: any) => e.type === 'call.hangup').data).toMatchObject({
      hangup_by: 'system',
      end_reason: 'max_duration',
    });
    expect(events.at(-1).data.call).toMatchObject({ end_reason: 'max_duration', duration: 20 });
  });

  it('POST /end hangs up a live call; /cancel refuses an answered one', async () => {
    const id = await place({
      recipient_phone: '+14155550144',
      metadata: { simulate: { talk_seconds: 600 } },
    });
    await waitForEvent(id, 'call.connected');
    const cancel = await request('POST', `/v1/calls/${id}/cancel`, { key: a.key });
    expect(cancel.status).toBe(409);
    const end = await request('POST', `/v1/calls/${id}/end`, { key: a.key });
    expect(end.status).toBe(200);
    expect(end.body).toMatchObject({ status: 'completed', end_reason: 'api_hangup', hangup_by: 'api' });
    const events = await waitForEvent(id, 'call.completed');
    expect(events.filter((e: any) => e.type === 'call.hangup')).toHaveLength(1);
    expect((await request('POST', `/v1/calls/${id}/end`, { key: a.key })).status).toBe(409);
  });

  it('POST /convert records a conversion once', async () => {
    const id = await place({
      recipient_phone: '+14155550145',
      metadata: { simulate: { talk_seconds: 600, converted: false } },
    });
    await waitForEvent(id, 'call.connected');
    const r = await request('POST', `/v1/calls/${id}/convert`, { key: a.key, body: { payout: 12.5 } });
    expect(r.body).toMatchObject({ converted: true, payout: 12.5 });
    await request('POST', `/v1/calls/${id}/convert`, { key: a.key, body: { payout: 99 } });
    const events = await eventsOf(id);
    expect(events.filter((e: any) => e.type === 'call.converted')).toHaveLength(1);
    expect(events.find((e: any) => e.type === 'call.converted').data.payout).toBe(12.5);
    await request('POST', `/v1/calls/${id}/end`, { key: a.key });
  });
});

describe('provider events out of order or twice', () => {
  const session = (id: string) => env.CALL_SESSION.get(env.CALL_SESSION.idFromName(id));

  async function drive(events: Array<{ status: any; hangupBy?: any; endReason?: string }>) {
    // Ringing for a simulated 10 minutes: the simulator's own script never gets a say.
    const id = await place({
      recipient_phone: '+14155550146',
      metadata: { simulate: { ring_seconds: 600, converted: false } },
    });
    await waitFor(async () => (await session(id).getState())?.status === 'ringing', { what: 'ringing' });
    for (const ev of events) await session(id).providerEvent(ev);
    await waitForEvent(id, 'call.completed');
    const call = (await request('GET', `/v1/calls/${id}`, { key: a.key })).body;
    return { call, types: (await eventsOf(id)).map((e: any) => e.type) };
  }

  it('leave the same final call as the ordered sequence', async () => {
    const ordered = await drive([
      { status: 'in_progress' },
      { status: 'completed', hangupBy: 'customer', endReason: 'customer_hangup' },
    ]);
    const messy = await drive([
      { status: 'initiated' },
      { status: 'in_progress' },
      { status: 'ringing' },
      { status: 'in_progress' },
      { status: 'completed', hangupBy: 'customer', endReason: 'customer_hangup' },
      { status: 'in_progress' },
      { status: 'busy' },
      { status: 'completed', hangupBy: 'agent', endReason: 'agent_hangup' },
    ]);
    const pick = (c: any) => ({
      status: c.status,
      end_reason: c.end_reason,
      hangup_by: c.hangup_by,
      outcome: c.outcome,
    });
    expect(pick(messy.call)).toEqual(pick(ordered.call));
    expect(messy.types).toEqual(ordered.types);
    expect(ordered.types).toEqual(['call.connected', 'call.hangup', 'call.completed']);
  });

  it('a terminal call never changes again', async () => {
    const id = await place({ recipient_phone: '+15005550002' });
    await waitForEvent(id, 'call.failure');
    expect(await session(id).providerEvent({ status: 'in_progress' })).toBe(false);
    expect(await session(id).providerEvent({ status: 'completed' })).toBe(false);
    expect((await request('GET', `/v1/calls/${id}`, { key: a.key })).body.status).toBe('busy');
  });

  it('the concurrency slot is released when the call ends', async () => {
    const id = await place({ recipient_phone: '+15005550001' });
    await waitForEvent(id, 'call.failure');
    const limiter = env.ACCOUNT_LIMITER.get(env.ACCOUNT_LIMITER.idFromName(a.id));
    expect(await limiter.activeLeases()).not.toContain(id);
  });
});
