// The Twilio adapter against recorded request/response fixtures: no live calls.
import { beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../src/providers/telephony/twilio';
import { createRoomyAccount, env, request, type TestAccount } from '../helpers/harness';
import { installReceiver, onHost, waitFor } from '../helpers/receiver';
import { ownershipFixture, twilioFixtureAccount } from '../helpers/provider-fixtures';
import createCallResponse from '../fixtures/twilio/create-call.response.json';
import callbackFixture from '../fixtures/twilio/status-callbacks.json';
import inboundVoice from '../fixtures/twilio/inbound-voice.json';

const callbacks = callbackFixture as {
  common: Record<string, string>;
  sequence: Array<Record<string, string>>;
};
const TOKEN = 'test_twilio_auth_token';
const SID = 'AC00000000000000000000000000000001';
const OWNED = '+14155550199';
const BASE = 'https://callplane.test';

interface TwilioRequest {
  url: string;
  auth: string | null;
  form: URLSearchParams;
}
const twilioRequests: TwilioRequest[] = [];
let a: TestAccount;

beforeAll(async () => {
  installReceiver();
  twilioFixtureAccount(SID, [[SID, TOKEN]], [OWNED]);
  onHost('twilio.test', async (req) => {
    const owned = ownershipFixture(req);
    if (owned) return owned;
    const form = new URLSearchParams(await req.text());
    twilioRequests.push({ url: req.url, auth: req.headers.get('Authorization'), form });
    const path = new URL(req.url).pathname;
    if (path === `/2010-04-01/Accounts/${SID}/Calls.json`)
      return Response.json(
        { ...createCallResponse, to: form.get('To'), from: form.get('From') },
        { status: 201 },
      );
    if (path.startsWith(`/2010-04-01/Accounts/${SID}/Calls/`))
      return Response.json({ ...createCallResponse, status: form.get('Status') });
    return Response.json(
      { code: 20404, message: 'The requested resource was not found', status: 404 },
      { status: 404 },
    );
  });
  a = await createRoomyAccount();
  const pn = await request('POST', '/v1/phone_numbers', {
    key: a.key,
    body: { number: OWNED, provider: 'twilio', agent_id: a.agentId },
  });
  expect(pn.status, pn.text).toBe(201);
});

async function signedPost(path: string, params: Record<string, string>, opts: { signature?: string } = {}) {
  const url = `${BASE}${path}`;
  const signature = opts.signature ?? (await twilioSignature(TOKEN, url, params));
  return request('POST', path, {
    raw: new URLSearchParams(params).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
  });
}

const eventTypes = async (callId: string) =>
  ((await request('GET', `/v1/events?call_id=${callId}&limit=100`, { key: a.key })).body.data as any[])
    .map((e) => e.type)
    .reverse();

describe('X-Twilio-Signature', () => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = (caller: string) => ({
    CallSid: 'CA1234567890ABCDE',
    Caller: caller,
    Digits: '1234',
    From: caller,
    To: '+18005551212',
  });
  it("matches Twilio's published vectors", async () => {
    expect(await twilioSignature('12345', url, params('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
    expect(await twilioSignature('12345', url, params('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });
});

describe('outbound call through Twilio', () => {
  let callId: string;

  it('creates the call with the REST API, status callbacks and a time limit', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550123', from_number: OWNED, max_duration: 600 },
    });
    expect(r.status).toBe(201);
    callId = r.body.call_id;
    const sent = await waitFor(() => twilioRequests.find((t) => t.url.endsWith('/Calls.json')), {
      what: 'Twilio create call',
    });
    expect(sent.auth).toBe(`Basic ${btoa(`${SID}:${TOKEN}`)}`);
    expect(Object.fromEntries(sent.form)).toMatchObject({
      To: '+14155550123',
      From: OWNED,
      TimeLimit: '600',
      StatusCallbackMethod: 'POST',
      StatusCallback: `${BASE}/providers/twilio/status?call_id=${callId}`,
      Url: `${BASE}/providers/twilio/voice?call_id=${callId}`,
    });
    expect(sent.form.getAll('StatusCallbackEvent')).toEqual([
      'initiated',
      'ringing',
      'answered',
      'completed',
    ]);
    await waitFor(
      async () => (await request('GET', `/v1/calls/${callId}`, { key: a.key })).body.provider === 'twilio',
    );
    const session = env.CALL_SESSION.get(env.CALL_SESSION.idFromName(callId));
    await waitFor(async () => (await session.getState())?.providerCallId === createCallResponse.sid, {
      what: 'provider call id',
    });
  });

  it('refuses a status callback with a bad or missing signature', async () => {
    const params = { ...callbacks.common, ...callbacks.sequence[0] };
    expect(
      (await signedPost(`/providers/twilio/status?call_id=${callId}`, params, { signature: 'AAAA' })).status,
    ).toBe(401);
    expect(
      (
        await signedPost(
          `/providers/twilio/status?call_id=${callId}`,
          { ...params, CallStatus: 'completed' },
          {
            signature: await twilioSignature(
              TOKEN,
              `${BASE}/providers/twilio/status?call_id=${callId}`,
              params,
            ),
          },
        )
      ).status,
    ).toBe(401);
    expect((await request('GET', `/v1/calls/${callId}`, { key: a.key })).body.status).toBe('queued');
  });

  it('drives the lifecycle from the recorded callbacks; repeats change nothing', async () => {
    for (const step of callbacks.sequence) {
      const r = await signedPost(`/providers/twilio/status?call_id=${callId}`, {
        ...callbacks.common,
        ...step,
      });
      expect(r.status, r.text).toBe(204);
    }
    await signedPost(`/providers/twilio/status?call_id=${callId}`, {
      ...callbacks.common,
      ...callbacks.sequence[2],
    }); // late in-progress
    await waitFor(async () => (await eventTypes(callId)).includes('call.completed'), { what: 'completed' });
    const call = (await request('GET', `/v1/calls/${callId}`, { key: a.key })).body;
    expect(call).toMatchObject({
      status: 'completed',
      duration: 37,
      provider: 'twilio',
      answered_at: expect.any(Number),
    });
    expect(await eventTypes(callId)).toEqual(['call.connected', 'call.hangup', 'call.completed']);
  });

  it('callbacks can find the call by CallSid alone', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550124', from_number: OWNED },
    });
    const session = env.CALL_SESSION.get(env.CALL_SESSION.idFromName(r.body.call_id));
    await waitFor(async () => (await session.getState())?.providerCallId, { what: 'dialled' });
    // Both calls got the same recorded sid; the first is terminal, so find the live one by id to be sure it is ours.
    const res = await signedPost(`/providers/twilio/status?call_id=${r.body.call_id}`, {
      ...callbacks.common,
      CallStatus: 'busy',
      SequenceNumber: '1',
    });
    expect(res.status).toBe(204);
    await waitFor(async () => (await eventTypes(r.body.call_id)).includes('call.failure'));
    expect((await request('GET', `/v1/calls/${r.body.call_id}`, { key: a.key })).body.status).toBe('busy');
  });

  it('/end asks Twilio to complete the call', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550125', from_number: OWNED },
    });
    const id = r.body.call_id;
    const session = env.CALL_SESSION.get(env.CALL_SESSION.idFromName(id));
    await waitFor(async () => (await session.getState())?.providerCallId, { what: 'dialled' });
    await signedPost(`/providers/twilio/status?call_id=${id}`, {
      ...callbacks.common,
      ...callbacks.sequence[2],
    });
    const before = twilioRequests.length;
    expect((await request('POST', `/v1/calls/${id}/end`, { key: a.key })).status).toBe(200);
    const hangup = twilioRequests
      .slice(before)
      .find((t) => t.url.endsWith(`/Calls/${createCallResponse.sid}.json`));
    expect(hangup?.form.get('Status')).toBe('completed');
  });
});

describe('inbound call through Twilio', () => {
  it('answers an owned number with TwiML, records the call and emits call.incoming then call.connected', async () => {
    const r = await signedPost('/providers/twilio/voice', inboundVoice);
    expect(r.status).toBe(200);
    expect(r.headers.get('Content-Type')).toContain('text/xml');
    expect(r.text).toContain('<Say>Hi!</Say>'); // no lead, no default: the placeholder is dropped
    const calls = (await request('GET', '/v1/calls?direction=inbound', { key: a.key })).body.data;
    expect(calls[0]).toMatchObject({
      direction: 'inbound',
      from_number: '+12125550147',
      to_number: OWNED,
      agent_id: a.agentId,
      provider: 'twilio',
    });
    await waitFor(async () => (await eventTypes(calls[0].id)).includes('call.connected'));
    expect(await eventTypes(calls[0].id)).toEqual(['call.incoming', 'call.connected']);
  });

  it('rejects a call to a number nobody owns, and a forged request', async () => {
    const r = await signedPost('/providers/twilio/voice', {
      ...inboundVoice,
      To: '+14155550100',
      Called: '+14155550100',
    });
    expect(r.text).toContain('<Reject/>');
    expect((await signedPost('/providers/twilio/voice', inboundVoice, { signature: 'forged' })).status).toBe(
      401,
    );
  });
});
