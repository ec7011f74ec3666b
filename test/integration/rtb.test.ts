import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RtbExchange } from '../../src/durable-objects/rtb-exchange';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  uniqueNumber,
  type TestAccount,
} from '../helpers/harness';
import { waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

const exchange = (accountId: string) => env.RTB_EXCHANGE.get(env.RTB_EXCHANGE.idFromName(accountId));

async function endpoint(acct: TestAccount, body: Record<string, unknown> = {}) {
  const r = await request('POST', '/v1/rtb_endpoints', {
    key: acct.key,
    body: { name: 'Publisher A', campaign_name: 'Auto insurance', ...body },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; rtb_id: string; ping_url: string };
}
async function route(acct: TestAccount, endpointId: string, body: Record<string, unknown>) {
  const r = await request('POST', `/v1/rtb_endpoints/${endpointId}/routes`, {
    key: acct.key,
    body: { buyer: 'Buyer', number: uniqueNumber('+1555'), payout: 10, ...body },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; number: string };
}
const ping = (rtbId: string, qs: string) => request('GET', `/inbound_rtb/${rtbId}?${qs}`);
let n = 0;
const caller = () => `+1212555${String(1000 + (n++ % 9000)).padStart(4, '0')}`;

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

describe('the ping answer', () => {
  it("answers Moja's GET example with the routes ranked by payout and holds the top one", async () => {
    const ep = await endpoint(a);
    await route(a, ep.id, {
      number: '+15551234567',
      payout: 35,
      duration: 90,
      payout_condition: null,
      payout_condition_duration: null,
    });
    await route(a, ep.id, {
      number: '+15559876543',
      payout: 45,
      duration: 120,
      payout_condition: 'connected',
      payout_condition_duration: 90,
    });
    expect(ep.ping_url).toMatch(new RegExp(`/inbound_rtb/${ep.rtb_id}$`));
    const who = caller();
    const r = await ping(ep.rtb_id, `caller_id=${encodeURIComponent(who)}&zip_code=10001`);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      request_id: expect.stringMatching(/^req_/),
      inbound_rtb_id: ep.rtb_id,
      bid_id: expect.stringMatching(/^bid_/),
      allocation_time_seconds: expect.any(Number),
      expires_in_seconds: 60,
      total_routes: 2,
      allocated_count: 2,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      eligible_routes: [
        {
          number: '+15559876543',
          payout: 45,
          duration: 120,
          payout_condition: 'connected',
          payout_condition_duration: 90,
        },
        {
          number: '+15551234567',
          payout: 35,
          duration: 90,
          payout_condition: null,
          payout_condition_duration: null,
        },
      ],
    });
    // A number in seconds; how fast it is is measured by `npm run bench -- only=rtb`, not asserted here.
    expect(r.body.allocation_time_seconds).toBeGreaterThanOrEqual(0);
    expect(r.body).not.toHaveProperty('reject_reason');
    expect(r.headers.get('RateLimit-Policy')).toBe('"rtb";q=5000;w=60');
    const holds = await exchange(a.id).activeHolds(ep.id);
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ bidId: r.body.bid_id, caller: who });
  });

  it.each(['callerid', 'cid', 'CALLER_ID', 'ANI'])(
    'a repeated ping for the same caller (spelled %s) returns the same bid',
    async (spelling) => {
      const ep = await endpoint(a);
      await route(a, ep.id, { payout: 20 });
      const who = caller();
      const first = await ping(ep.rtb_id, `caller_id=${encodeURIComponent(who)}`);
      const again = await ping(ep.rtb_id, `${spelling}=${encodeURIComponent(who)}`);
      expect(again.body.bid_id).toBe(first.body.bid_id);
      expect(await exchange(a.id).activeHolds(ep.id)).toHaveLength(1);
    },
  );

  it('accepts POST with JSON and with a form', async () => {
    const ep = await endpoint(a);
    await route(a, ep.id, { payout: 20, geo: { include: { states: ['NY'] } } });
    const json = await request('POST', `/inbound_rtb/${ep.rtb_id}`, {
      body: { CallerID: caller(), Zip: '10001', sub_id: 'p1' },
    });
    expect(json.body.allocated_count).toBe(1);
    const form = await request('POST', `/inbound_rtb/${ep.rtb_id}`, {
      raw: `cid=${encodeURIComponent(caller())}&caller_state=NY`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(form.body.allocated_count).toBe(1);
    const bad = await request('POST', `/inbound_rtb/${ep.rtb_id}`, {
      raw: '{"caller_id":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad.status).toBe(400);
  });

  it('unknown, malformed, disabled or deleted ids are 404', async () => {
    expect((await ping('rtb_doesnotexist000000', 'caller_id=+15551234567')).status).toBe(404);
    expect(expectEnvelope(await ping('nope', '')).code).toBe('not_found');
    const ep = await endpoint(a);
    await request('PATCH', `/v1/rtb_endpoints/${ep.id}`, { key: a.key, body: { status: 'disabled' } });
    expect((await ping(ep.rtb_id, '')).status).toBe(404);
    const gone = await endpoint(a);
    await request('DELETE', `/v1/rtb_endpoints/${gone.id}`, { key: a.key });
    expect((await ping(gone.rtb_id, '')).status).toBe(404);
  });

  it('with no eligible route: empty list, no bid, and why', async () => {
    const empty = await endpoint(a);
    expect((await ping(empty.rtb_id, `caller_id=${caller()}`)).body).toMatchObject({
      eligible_routes: [],
      allocated_count: 0,
      bid_id: null,
      reject_reason: 'no_routes',
    });
    const strict = await endpoint(a, { require_caller_id: true });
    await route(a, strict.id, {});
    expect((await ping(strict.rtb_id, 'zip=10001')).body.reject_reason).toBe('caller_id_required');
    const closed = await endpoint(a);
    await route(a, closed.id, { schedule: { timezone: 'UTC', hours: {} } });
    expect((await ping(closed.rtb_id, `caller_id=${caller()}`)).body.reject_reason).toBe('schedule');
    const geo = await endpoint(a);
    await route(a, geo.id, { geo: { include: { states: ['CA'] } } });
    expect((await ping(geo.rtb_id, `caller_id=${caller()}&zip=10001`)).body.reject_reason).toBe('geo');
  });

  it('max_routes trims the list; ties rank by priority then weight', async () => {
    const ep = await endpoint(a, { max_routes: 2 });
    const low = await route(a, ep.id, { payout: 30, priority: 2 });
    const heavy = await route(a, ep.id, { payout: 30, priority: 1, weight: 9 });
    const light = await route(a, ep.id, { payout: 30, priority: 1, weight: 1 });
    const r = await ping(ep.rtb_id, `caller_id=${caller()}`);
    expect(r.body.eligible_routes.map((x: any) => x.number)).toEqual([heavy.number, light.number]);
    expect(r.body.total_routes).toBe(3);
    void low;
  });

  it('a configuration change is visible to the next ping', async () => {
    const ep = await endpoint(a);
    const x = await route(a, ep.id, { payout: 10 });
    const y = await route(a, ep.id, { payout: 20 });
    expect((await ping(ep.rtb_id, `caller_id=${caller()}`)).body.eligible_routes[0].number).toBe(y.number);
    await request('PATCH', `/v1/rtb_endpoints/${ep.id}/routes/${x.id}`, { key: a.key, body: { payout: 50 } });
    expect((await ping(ep.rtb_id, `caller_id=${caller()}`)).body.eligible_routes[0].number).toBe(x.number);
    await request('PATCH', `/v1/rtb_endpoints/${ep.id}/routes/${x.id}`, {
      key: a.key,
      body: { status: 'disabled' },
    });
    expect(
      (await ping(ep.rtb_id, `caller_id=${caller()}`)).body.eligible_routes.map((r: any) => r.number),
    ).toEqual([y.number]);
  });
});

describe('caps, concurrency and holds', () => {
  it('a held bid counts against the route cap until it expires', async () => {
    const acct = await createRoomyAccount();
    const ep = await endpoint(acct, { bid_ttl_seconds: 30 });
    const capped = await route(acct, ep.id, { payout: 50, caps: { hourly: 1 } });
    const other = await route(acct, ep.id, { payout: 5 });
    const clock = { now: Date.now() };
    await runInDurableObject(exchange(acct.id), (inst: RtbExchange) => {
      inst.clock = () => clock.now;
    });
    const first = await ping(ep.rtb_id, `caller_id=${caller()}`);
    expect(first.body.eligible_routes[0].number).toBe(capped.number);
    const second = await ping(ep.rtb_id, `caller_id=${caller()}`);
    expect(second.body.eligible_routes.map((r: any) => r.number)).toEqual([other.number]);
    // The hold expires on its own: the alarm clears it and the cap is free again.
    clock.now += 31_000;
    await runDurableObjectAlarm(exchange(acct.id));
    expect((await exchange(acct.id).activeHolds(ep.id)).filter((h) => h.routeId === capped.id)).toHaveLength(
      0,
    );
    const third = await ping(ep.rtb_id, `caller_id=${caller()}`);
    expect(third.body.eligible_routes[0].number).toBe(capped.number);
  });

  it('concurrency counts live calls and holds', async () => {
    const ep = await endpoint(a);
    const r1 = await route(a, ep.id, { payout: 50, caps: { concurrency: 2 } });
    expect((await ping(ep.rtb_id, `caller_id=${caller()}`)).body.eligible_routes).toHaveLength(1);
    expect((await ping(ep.rtb_id, `caller_id=${caller()}`)).body.eligible_routes).toHaveLength(1);
    const third = await ping(ep.rtb_id, `caller_id=${caller()}`);
    expect(third.body).toMatchObject({ allocated_count: 0, reject_reason: 'caps' });
    void r1;
  });

  it('daily and monthly caps count matched calls in the route zone', async () => {
    const acct = await createRoomyAccount();
    const ep = await endpoint(acct);
    const r = await route(acct, ep.id, { payout: 50, caps: { daily: 1 }, schedule: null });
    const stub = exchange(acct.id);
    const clock = { now: Date.parse('2026-11-21T12:00:00Z') };
    await runInDurableObject(stub, (inst: RtbExchange) => {
      inst.clock = () => clock.now;
    });
    const who = caller();
    await ping(ep.rtb_id, `caller_id=${encodeURIComponent(who)}`);
    expect(await stub.match(who, [r.id], 'call_x')).toMatchObject({ routeId: r.id, endpointId: ep.id });
    await stub.callEnded('call_x');
    expect((await ping(ep.rtb_id, `caller_id=${caller()}`)).body.allocated_count).toBe(0); // used 1 of 1 today (UTC)
    clock.now = Date.parse('2026-11-22T00:00:01Z');
    expect((await ping(ep.rtb_id, `caller_id=${caller()}`)).body.allocated_count).toBe(1);
  });
});

describe('matching inbound calls', () => {
  it('a call from the pinged caller to the route number wins the bid and converts by the payout condition', async () => {
    const acct = await createRoomyAccount();
    const ep = await endpoint(acct);
    const owned = uniqueNumber('+1646');
    await request('POST', '/v1/phone_numbers', {
      key: acct.key,
      body: { number: owned, agent_id: acct.agentId },
    });
    await route(acct, ep.id, {
      number: owned,
      payout: 42.5,
      payout_condition: 'connected',
      payout_condition_duration: 20,
    });
    const who = caller();
    const bid = await ping(ep.rtb_id, `caller_id=${encodeURIComponent(who)}`);
    const call = await request('POST', '/v1/simulator/inbound_calls', {
      key: acct.key,
      body: { from: who, to: owned, talk_seconds: 30 },
    });
    expect(call.body.rtb).toMatchObject({
      bid_id: bid.body.bid_id,
      rtb_id: ep.rtb_id,
      payout: 42.5,
      payout_condition: 'connected',
      payout_condition_duration: 20,
    });
    const events = await waitFor(
      async () => {
        const list = (
          (await request('GET', `/v1/events?call_id=${call.body.id}`, { key: acct.key })).body.data as any[]
        ).reverse();
        return list.some((e) => e.type === 'call.completed') && list;
      },
      { what: 'completion' },
    );
    expect(events.map((e: any) => e.type)).toEqual([
      'call.incoming',
      'call.connected',
      'call.on_5_secs_mark',
      'call.on_15_secs_mark',
      'call.converted',
      'call.hangup',
      'call.completed',
    ]);
    expect(events.find((e: any) => e.type === 'call.converted').data).toMatchObject({
      payout: 42.5,
      bid_id: bid.body.bid_id,
    });
    expect((await request('GET', `/v1/calls/${call.body.id}`, { key: acct.key })).body).toMatchObject({
      converted: true,
      payout: 42.5,
    });
    expect(await exchange(a.id).activeHolds(ep.id)).toHaveLength(0);
  });

  it('a call that ends before the condition does not convert; a call with no live bid is a normal inbound call', async () => {
    const acct = await createRoomyAccount();
    const ep = await endpoint(acct);
    const owned = uniqueNumber('+1646');
    await request('POST', '/v1/phone_numbers', {
      key: acct.key,
      body: { number: owned, agent_id: acct.agentId },
    });
    await route(acct, ep.id, {
      number: owned,
      payout: 10,
      payout_condition: 'connected',
      payout_condition_duration: 60,
    });
    const who = caller();
    await ping(ep.rtb_id, `caller_id=${encodeURIComponent(who)}`);
    const short = await request('POST', '/v1/simulator/inbound_calls', {
      key: acct.key,
      body: { from: who, to: owned, talk_seconds: 10 },
    });
    expect(short.body.rtb).not.toBeNull();
    await waitFor(
      async () =>
        (await request('GET', `/v1/calls/${short.body.id}`, { key: acct.key })).body.status === 'completed',
    );
    expect((await request('GET', `/v1/calls/${short.body.id}`, { key: acct.key })).body).toMatchObject({
      converted: false,
      payout: null,
    });
    const stranger = await request('POST', '/v1/simulator/inbound_calls', {
      key: acct.key,
      body: { from: caller(), to: owned, talk_seconds: 5 },
    });
    expect(stranger.body.rtb).toBeNull();
  });
});

describe('reporting rows', () => {
  it('every answered ping is written to rtb_bids after the answer', async () => {
    const acct = await createRoomyAccount();
    const ep = await endpoint(acct);
    await route(acct, ep.id, { payout: 12 });
    const r = await ping(ep.rtb_id, `caller_id=${caller()}&zip=10001&pub_id=p7&utm=x`);
    const none = await ping(ep.rtb_id, 'zip=10001'); // no caller: still answered, still recorded
    await runDurableObjectAlarm(exchange(acct.id));
    const rows = (
      await shardsDb
        .prepare('SELECT * FROM rtb_bids WHERE account_id = ? ORDER BY created_at')
        .bind(acct.id)
        .all<any>()
    ).results;
    expect(rows).toHaveLength(2);
    expect(rows.find((x) => x.id === r.body.bid_id)).toMatchObject({
      endpoint_id: ep.id,
      zip: '10001',
      state: 'NY',
      publisher_id: 'p7',
      payout: 12,
      eligible_count: 1,
    });
    expect(JSON.parse(rows.find((x) => x.id === r.body.bid_id).tags)).toEqual({ utm: 'x' });
    void none;
  });

  it('the rtb class is limited per account across its endpoints', async () => {
    const acct = await createAccount('enterprise', { limits: { rtb_per_minute: 3 } });
    const e1 = await endpoint(acct),
      e2 = await endpoint(acct);
    for (const e of [e1, e2, e1]) expect((await ping(e.rtb_id, `caller_id=${caller()}`)).status).toBe(200);
    const over = await ping(e2.rtb_id, `caller_id=${caller()}`);
    expect(over.status).toBe(429);
    expect(over.headers.get('RateLimit-Policy')).toBe('"rtb";q=3;w=60');
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
  });
});

describe('configuration API', () => {
  it('validates routes and keeps tenancy', async () => {
    const ep = await endpoint(a);
    for (const [body, param] of [
      [{ buyer: 'x', number: '555', payout: 1 }, 'number'],
      [{ buyer: 'x', number: '+15551234567', payout: -1 }, 'payout'],
      [
        { buyer: 'x', number: '+15551234567', payout: 1, schedule: { timezone: 'Nowhere/City', hours: {} } },
        'schedule.timezone',
      ],
      [
        {
          buyer: 'x',
          number: '+15551234567',
          payout: 1,
          schedule: { timezone: 'UTC', hours: { mon: [['17:00', '09:00']] } },
        },
        'schedule.hours.mon[0]',
      ],
      [
        { buyer: 'x', number: '+15551234567', payout: 1, geo: { include: { states: ['New York'] } } },
        'geo.include.states[0]',
      ],
    ] as const) {
      const r = await request('POST', `/v1/rtb_endpoints/${ep.id}/routes`, { key: a.key, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(expectEnvelope(r).param).toBe(param);
    }
    const sip = await request('POST', `/v1/rtb_endpoints/${ep.id}/routes`, {
      key: a.key,
      body: { buyer: 'SIP buyer', number: 'sip:buyer@sip.example.com', payout: 5 },
    });
    expect(sip.status).toBe(201);
    const other = await createAccount('growth');
    expect((await request('GET', `/v1/rtb_endpoints/${ep.id}`, { key: other.key })).status).toBe(404);
    expect(
      (
        await request('POST', `/v1/rtb_endpoints/${ep.id}/routes`, {
          key: other.key,
          body: { buyer: 'x', number: '+15551234567', payout: 1 },
        })
      ).status,
    ).toBe(404);
    expect(
      (await request('GET', `/v1/rtb_endpoints/${ep.id}/routes/${sip.body.id}`, { key: other.key })).status,
    ).toBe(404);
  });

  it("a phone number may name only its own account's live RTB route: another's, a deleted or an unknown one is a 404", async () => {
    const other = await createRoomyAccount();
    const ep = await endpoint(a);
    const mine = await route(a, ep.id, {});
    const gone = await route(a, ep.id, {});
    await request('DELETE', `/v1/rtb_endpoints/${ep.id}/routes/${gone.id}`, { key: a.key });
    const count = async (acct: TestAccount) =>
      (
        await shardsDb
          .prepare('SELECT COUNT(*) AS n FROM phone_numbers WHERE account_id = ?')
          .bind(acct.id)
          .first<{ n: number }>()
      )?.n;
    const before = await count(other);
    for (const rtb_route_id of [mine.id, 'route_doesnotexist0000000000']) {
      const made = await request('POST', '/v1/phone_numbers', {
        key: other.key,
        body: { number: uniqueNumber('+1500555'), rtb_route_id },
      });
      expect(made.status, made.text).toBe(404);
      expect(expectEnvelope(made).param).toBe('rtb_route_id');
    }
    expect(await count(other)).toBe(before);
    const own = await request('POST', '/v1/phone_numbers', {
      key: other.key,
      body: { number: uniqueNumber('+1500555') },
    });
    expect(own.status, own.text).toBe(201);
    const patched = await request('PATCH', `/v1/phone_numbers/${own.body.id}`, {
      key: other.key,
      body: { rtb_route_id: mine.id },
    });
    expect(patched.status).toBe(404);
    expect(expectEnvelope(patched).param).toBe('rtb_route_id');
    expect(
      (await request('GET', `/v1/phone_numbers/${own.body.id}`, { key: other.key })).body.rtb_route_id,
    ).toBeNull();
    // The owner may, with a live route; not with one it deleted.
    const ok = await request('POST', '/v1/phone_numbers', {
      key: a.key,
      body: { number: uniqueNumber('+1500555'), rtb_route_id: mine.id },
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.rtb_route_id).toBe(mine.id);
    const deleted = await request('PATCH', `/v1/phone_numbers/${ok.body.id}`, {
      key: a.key,
      body: { rtb_route_id: gone.id },
    });
    expect(deleted.status).toBe(404);
  });
});
