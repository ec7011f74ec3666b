// Twilio calls after a crash, and inbound Twilio calls (issue #12), against recorded fixtures
// (test/fixtures/twilio): no live calls. Faults are injected through src/lib/faults.ts.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sessionFor } from '../../src/durable-objects/stubs';
import { armFault, disarmFaults, timesReached } from '../../src/lib/faults';
import { twilioSignature } from '../../src/providers/telephony/twilio';
import createCallResponse from '../fixtures/twilio/create-call.response.json';
import inboundVoice from '../fixtures/twilio/inbound-voice.json';
import listCalls from '../fixtures/twilio/list-calls.response.json';
import { createRoomyAccount, env, request, type TestAccount } from '../helpers/harness';
import { installReceiver, onHost, waitFor } from '../helpers/receiver';
import { ownershipFixture, twilioFixtureAccount } from '../helpers/provider-fixtures';

const TOKEN = 'test_twilio_auth_token';
const SID = 'AC00000000000000000000000000000001';
const OWNED = '+14155550299';
const BASE = 'https://callplane.test';
const twilioRequests: Array<{ method: string; path: string; form: URLSearchParams }> = [];
/** What the fixture server's call list holds: the created call, or nothing (Twilio lagging). */
let listHoldsTheCall = true;

let a: TestAccount;
beforeAll(async () => {
  installReceiver();
  twilioFixtureAccount(SID, [[SID, 'test_twilio_auth_token']], [OWNED]);
  onHost('twilio.test', async (req) => {
    const owned = ownershipFixture(req);
    if (owned) return owned;
    const url = new URL(req.url);
    const form = new URLSearchParams(req.method === 'GET' ? url.search : await req.text());
    twilioRequests.push({ method: req.method, path: url.pathname, form });
    if (url.pathname === `/2010-04-01/Accounts/${SID}/Calls.json` && req.method === 'GET') {
      const calls = listHoldsTheCall
        ? listCalls.calls.map((c) => ({
            ...c,
            to: form.get('To'),
            from: form.get('From'),
            date_created: new Date().toUTCString(),
          }))
        : [];
      return Response.json({ ...listCalls, calls });
    }
    if (url.pathname === `/2010-04-01/Accounts/${SID}/Calls.json`)
      return Response.json(
        { ...createCallResponse, to: form.get('To'), from: form.get('From') },
        { status: 201 },
      );
    if (url.pathname.startsWith(`/2010-04-01/Accounts/${SID}/Calls/`))
      return Response.json({ ...createCallResponse, status: form.get('Status') });
    return Response.json({ code: 20404, status: 404 }, { status: 404 });
  });
  a = await createRoomyAccount();
  const pn = await request('POST', '/v1/phone_numbers', {
    key: a.key,
    body: { number: OWNED, provider: 'twilio', agent_id: a.agentId },
  });
  expect(pn.status, pn.text).toBe(201);
});
afterEach(() => disarmFaults());

const getCall = async (id: string) => (await request('GET', `/v1/calls/${id}`, { key: a.key })).body;
const eventTypes = async (id: string) =>
  ((await request('GET', `/v1/events?call_id=${id}&limit=100`, { key: a.key })).body.data as any[]).map(
    (e) => e.type,
  );
const creates = () => twilioRequests.filter((t) => t.method === 'POST' && t.path.endsWith('/Calls.json'));

async function crashAfterDial(to: string) {
  armFault(env, 'after-provider-dial', { kind: 'abort' });
  const before = creates().length;
  const r = await request('POST', '/v1/call', {
    key: a.key,
    body: { agent_id: a.agentId, recipient_phone: to, from_number: OWNED },
  });
  expect(r.status, r.text).toBe(201);
  const id = r.body.call_id as string;
  await waitFor(() => timesReached('after-provider-dial') > 0, { what: 'the dial' });
  // The platform retries the crashed alarm; run it now rather than wait for its backoff.
  await runDurableObjectAlarm(sessionFor(env, id)).catch(() => undefined);
  return { id, before };
}

describe('at-most-once dialling through Twilio', () => {
  it('after a crash, the call Twilio lists for this To/From is adopted, not dialled again', async () => {
    listHoldsTheCall = true;
    const { id, before } = await crashAfterDial('+14155550124');
    await waitFor(
      async () => (await sessionFor(env, id).getState())?.providerCallId === createCallResponse.sid,
      {
        what: 'adopted',
      },
    );
    expect(creates().length - before).toBe(1);
    expect((await getCall(id)).status).toBe('queued');
  });

  it('when Twilio cannot say, the call fails as dial_uncertain with call.failure — never a second dial', async () => {
    listHoldsTheCall = false;
    const { id, before } = await crashAfterDial('+14155550125');
    await waitFor(async () => (await getCall(id)).status === 'failed', { what: 'failed' });
    expect((await getCall(id)).end_reason).toBe('dial_uncertain');
    await waitFor(async () => (await eventTypes(id)).includes('call.failure'), { what: 'call.failure' });
    expect(creates().length - before).toBe(1);
  });
});

async function inbound(from: string) {
  const params = { ...inboundVoice, To: OWNED, Called: OWNED, From: from, Caller: from };
  delete (params as Record<string, string>)._comment;
  const url = `${BASE}/providers/twilio/voice`;
  return request('POST', '/providers/twilio/voice', {
    raw: new URLSearchParams(params).toString(),
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': await twilioSignature(TOKEN, url, params),
    },
  });
}
const inboundCallFrom = async (from: string) =>
  ((await request('GET', '/v1/calls?direction=inbound&limit=100', { key: a.key })).body.data as any[]).find(
    (c) => c.from_number === from,
  );

describe('inbound Twilio calls', () => {
  it('/end hangs the real call up through Twilio (its CallSid is kept)', async () => {
    expect((await inbound('+12125550101')).status).toBe(200);
    const call = await inboundCallFrom('+12125550101');
    expect((await sessionFor(env, call.id).getState())?.providerCallId).toBe(inboundVoice.CallSid);
    const before = twilioRequests.length;
    expect((await request('POST', `/v1/calls/${call.id}/end`, { key: a.key })).status).toBe(200);
    const hangup = twilioRequests
      .slice(before)
      .find((t) => t.path.endsWith(`/Calls/${inboundVoice.CallSid}.json`));
    expect(hangup?.form.get('Status')).toBe('completed');
  });

  it('the greeting never speaks a placeholder: lead first, then the number’s defaults, else dropped', async () => {
    const noData = await inbound('+12125550102');
    expect(noData.text).toContain('<Say>Hi!</Say>');
    expect(noData.text).not.toContain('{{');

    const pn = (await request('GET', '/v1/phone_numbers?limit=100', { key: a.key })).body.data.find(
      (n: any) => n.number === OWNED,
    );
    const patched = await request('PATCH', `/v1/phone_numbers/${pn.id}`, {
      key: a.key,
      body: { variables: { name: 'there' } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.variables).toEqual({ name: 'there' });
    expect((await inbound('+12125550103')).text).toContain('<Say>Hi there!</Say>');

    await request('POST', `/call-data?moja_auth_key=${encodeURIComponent(a.webhookAuthKey)}`, {
      body: { caller_id: '+12125550104', name: 'Grace' },
    });
    expect((await inbound('+12125550104')).text).toContain('<Say>Hi Grace!</Say>');
  });
});
