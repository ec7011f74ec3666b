import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  uniqueNumber,
  type TestAccount,
} from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

describe('POST /v1/call (Movoice)', () => {
  it('accepts the seed example and answers in its shape', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipient_phone: '+919876543210',
        variables: { name: 'Rahul', appointment_time: 'Tomorrow at 3 PM' },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      call_id: expect.stringMatching(/^call_/),
      status: 'queued',
      agent_id: a.agentId,
      recipient_phone: '+919876543210',
    });
    expect(r.body.created_at).toBeGreaterThan(1_700_000_000);
    expect(r.body.created_at).toBeLessThan(10_000_000_000);

    const got = await request('GET', `/v1/calls/${r.body.call_id}`, { key: a.key });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: r.body.call_id,
      direction: 'outbound',
      to_number: '+919876543210',
      from_number: a.number,
      // The simulator starts dialling at once (100x faster in tests), so by this read the call may have moved on.
      status: expect.stringMatching(/^(queued|initiated|ringing|in_progress)$/),
      variables: { name: 'Rahul', appointment_time: 'Tomorrow at 3 PM' },
      transcript: [],
      converted: false,
      max_duration: 1800,
    });
    for (const k of [
      'duration',
      'summary',
      'sentiment',
      'outcome',
      'recording_url',
      'ended_at',
      'end_reason',
      'caller_data',
      'payout',
      'rtb',
    ])
      expect(got.body).toHaveProperty(k);
  });

  it('/v1/calls is an alias', async () => {
    const r = await request('POST', '/v1/calls', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550123', max_duration: 60 },
    });
    expect(r.status).toBe(201);
    expect((await request('GET', `/v1/calls/${r.body.call_id}`, { key: a.key })).body.max_duration).toBe(60);
  });

  it.each([
    ['+0123456789', 'recipient_phone'],
    ['14155550123', 'recipient_phone'],
    ['+1415', 'recipient_phone'],
    ['+1234567890123456', 'recipient_phone'],
  ])('rejects %s', async (phone, param) => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: phone },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe(param);
  });

  it('rejects max_duration outside 10–7200', async () => {
    for (const max_duration of [9, 7201, 1.5, '60']) {
      const r = await request('POST', '/v1/call', {
        key: a.key,
        body: { agent_id: a.agentId, recipient_phone: '+14155550123', max_duration },
      });
      expect(r.status).toBe(400);
      expect(expectEnvelope(r).param).toBe('max_duration');
    }
  });

  it('an unknown agent is 404, an inactive one 422', async () => {
    const missing = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: 'agent_nope', recipient_phone: '+14155550123' },
    });
    expect(missing.status).toBe(404);
    expect(expectEnvelope(missing).param).toBe('agent_id');
    const agent = await request('POST', '/v1/agents', {
      key: a.key,
      body: { name: 'off', prompt: 'p', status: 'inactive' },
    });
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: agent.body.id, recipient_phone: '+14155550123' },
    });
    expect(r.status).toBe(422);
    expect(expectEnvelope(r)).toMatchObject({ code: 'unprocessable', param: 'agent_id' });
  });

  it('from_number must be owned by this account', async () => {
    const other = await createAccount('growth');
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550123', from_number: other.number },
    });
    expect(r.status).toBe(422);
    expect(expectEnvelope(r).param).toBe('from_number');
    const second = uniqueNumber('+1212');
    await request('POST', '/v1/phone_numbers', { key: a.key, body: { number: second } });
    const ok = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550123', from_number: second },
    });
    expect(ok.status).toBe(201);
    expect((await request('GET', `/v1/calls/${ok.body.call_id}`, { key: a.key })).body.from_number).toBe(
      second,
    );
  });

  it('a deleted agent keeps its calls readable', async () => {
    const agent = await request('POST', '/v1/agents', { key: a.key, body: { name: 'tmp', prompt: 'p' } });
    const call = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: agent.body.id, recipient_phone: '+14155550123' },
    });
    expect((await request('DELETE', `/v1/agents/${agent.body.id}`, { key: a.key })).status).toBe(200);
    expect((await request('GET', `/v1/agents/${agent.body.id}`, { key: a.key })).status).toBe(404);
    const got = await request('GET', `/v1/calls/${call.body.call_id}`, { key: a.key });
    expect(got.status).toBe(200);
    expect(got.body.agent_id).toBe(agent.body.id);
  });
});

describe('POST /api/v1/calls/initiate (CallAI)', () => {
  it('answers the seed shape and keeps metadata', async () => {
    const r = await request('POST', '/api/v1/calls/initiate', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        to_number: '+2348012345678',
        metadata: { customer_name: 'Adebayo', order_status: 'Shipped' },
      },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'success',
      data: { call_id: expect.stringMatching(/^call_/), status: 'queued' },
    });
    const got = await request('GET', `/v1/calls/${r.body.data.call_id}`, { key: a.key });
    expect(got.body.metadata).toEqual({ customer_name: 'Adebayo', order_status: 'Shipped' });
    expect(got.body.variables).toEqual({ customer_name: 'Adebayo', order_status: 'Shipped' });
  });

  it("also answers at /v1/calls/initiate, where CallAI's curl example posts", async () => {
    const r = await request('POST', '/v1/calls/initiate', {
      key: a.key,
      body: { agent_id: a.agentId, to_number: '+2348012345678' },
    });
    expect(r.status).toBe(200);
    expect(r.body.data.status).toBe('queued');
  });

  it('errors use the same envelope', async () => {
    const r = await request('POST', '/api/v1/calls/initiate', {
      key: a.key,
      body: { agent_id: a.agentId, to_number: 'nope' },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe('to_number');
  });
});

describe('GET /v1/calls', () => {
  let acct: TestAccount;
  let agent2: string;
  const ids: string[] = [];
  beforeAll(async () => {
    acct = await createRoomyAccount();
    agent2 = (await request('POST', '/v1/agents', { key: acct.key, body: { name: 'two', prompt: 'p' } })).body
      .id;
    // Rows written directly, with distinct ages and statuses, so the filters have something fixed to tell apart.
    const now = Math.floor(Date.now() / 1000);
    const statuses = ['completed', 'failed', 'in_progress', 'busy', 'queued'];
    for (let i = 0; i < 5; i++) {
      const id = `call_list_${i}_${crypto.randomUUID().slice(0, 8)}`;
      ids.push(id);
      await shardsDb
        .prepare(`INSERT INTO calls (id, account_id, agent_id, direction, to_number, status, provider, max_duration, created_at, updated_at)
        VALUES (?, ?, ?, 'outbound', ?, ?, 'simulator', 1800, ?, ?)`)
        .bind(
          id,
          acct.id,
          i % 2 ? agent2 : acct.agentId,
          `+1415555010${i}`,
          statuses[i],
          now - (5 - i) * 100,
          now,
        )
        .run();
    }
  });

  it('is newest first with pagination', async () => {
    const page1 = await request('GET', '/v1/calls?limit=2&include_total=true', { key: acct.key });
    expect(page1.body).toMatchObject({ object: 'list', has_more: true, total: 5, limit: 2, offset: 0 });
    expect(page1.body.data.map((c: any) => c.id)).toEqual([ids[4], ids[3]]);
    const page3 = await request('GET', '/v1/calls?limit=2&offset=4', { key: acct.key });
    expect(page3.body.data.map((c: any) => c.id)).toEqual([ids[0]]);
    expect(page3.body.has_more).toBe(false);
    const dflt = await request('GET', '/v1/calls', { key: acct.key });
    expect(dflt.body.limit).toBe(20);
  });

  it('filters by status group, exact status, agent, direction and time', async () => {
    const q = async (qs: string) =>
      (await request('GET', `/v1/calls?${qs}`, { key: acct.key })).body.data.map((c: any) => c.id).sort();
    expect(await q('status=active')).toEqual([ids[2], ids[4]].sort());
    expect(await q('status=failed')).toEqual([ids[1], ids[3]].sort());
    expect(await q('status=completed')).toEqual([ids[0]]);
    expect(await q('status=busy')).toEqual([ids[3]]);
    expect(await q(`agent_id=${agent2}`)).toEqual([ids[1], ids[3]].sort());
    expect(await q('direction=inbound')).toEqual([]);
    const created = (await request('GET', `/v1/calls/${ids[2]}`, { key: acct.key })).body.created_at;
    expect(await q(`from=${created}`)).toEqual([ids[2], ids[3], ids[4]].sort());
    expect(await q(`from=${created}&to=${created}`)).toEqual([ids[2]]);
  });

  it('rejects bad filters with the param named', async () => {
    for (const [qs, param] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['offset=-1', 'offset'],
      ['status=weird', 'status'],
      ['from=yesterday', 'from'],
      ['direction=sideways', 'direction'],
    ]) {
      const r = await request('GET', `/v1/calls?${qs}`, { key: acct.key });
      expect(r.status, qs).toBe(400);
      expect(expectEnvelope(r).param).toBe(param);
    }
  });
});
