// Two accounts with their own Twilio and Meta credentials exchanging nothing (issue #13): secrets sealed and
// never shown, numbers registered only when the account's provider lists them, inbound webhooks routed by
// the provider's identifiers and verified with that account's secret, outbound through that account's
// credentials. The fixture servers (twilio.test, graph.test) record every request with its Authorization.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { open, seal, keyring } from '../../src/lib/secret-box';
import { twilioSignature } from '../../src/providers/telephony/twilio';
import { metaSignature } from '../../src/providers/whatsapp/meta';
import createCallResponse from '../fixtures/twilio/create-call.response.json';
import inboundVoice from '../fixtures/twilio/inbound-voice.json';
import inboundWebhook from '../fixtures/meta/inbound-webhook.json';
import sendResponse from '../fixtures/meta/send-message.response.json';
import {
  ADMIN_TOKEN,
  BASE,
  createRoomyAccount,
  env,
  expectEnvelope,
  randomIp,
  request,
  type Json,
  type TestAccount,
  uniqueNumber,
} from '../helpers/harness';
import {
  lookups,
  ownershipFixture,
  twilioFixtureAccount,
  twilioFixtureStatus,
  metaProof,
  wabaFixture,
  wabaFixtureRemove,
  wabaRequiresProof,
} from '../helpers/provider-fixtures';
import { SIMULATOR_TWILIO_CREDENTIALS } from '../../src/providers/telephony/simulator';
import { SIMULATOR_META_CREDENTIALS } from '../../src/providers/whatsapp/simulator';
import { installReceiver, onHost, waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

interface Party {
  acct: TestAccount;
  sid: string;
  token: string;
  apiKey?: { sid: string; secret: string };
  number: string;
  waba: string;
  metaToken: string;
  appSecret: string;
  phoneNumberId: string;
}

const twilioCalls: Array<{ url: string; auth: string | null; form: URLSearchParams }> = [];
const graphSends: Array<{ url: string; auth: string | null }> = [];
/** Makes both fixture servers unreachable (a thrown fetch) or answer 5xx. */
let outage: 'network' | '5xx' | null = null;
let A: Party;
let B: Party;
const DEPLOYMENT_SID = 'AC00000000000000000000000000000001';
const DEPLOYMENT_TOKEN = 'test_twilio_auth_token';

const display = (n: string) => `+${n.slice(1, 2)} ${n.slice(2, 5)}-${n.slice(5, 8)}-${n.slice(8)}`;

beforeAll(async () => {
  installReceiver();
  let n = 0;
  onHost('twilio.test', async (req) => {
    if (outage === 'network') throw new TypeError('Network connection lost.');
    if (outage === '5xx') return Response.json({ code: 20500, status: 503 }, { status: 503 });
    const owned = ownershipFixture(req);
    if (owned) return owned;
    const form = new URLSearchParams(await req.text());
    twilioCalls.push({ url: req.url, auth: req.headers.get('Authorization'), form });
    const sid = `CA${(++n).toString(16).padStart(32, '0')}`;
    if (new URL(req.url).pathname.endsWith('/Calls.json'))
      return Response.json({ ...createCallResponse, sid, to: form.get('To') }, { status: 201 });
    return Response.json({ code: 20404, status: 404 }, { status: 404 });
  });
  onHost('graph.test', async (req) => {
    if (outage === 'network') throw new TypeError('Network connection lost.');
    if (outage === '5xx')
      return Response.json(
        { error: { code: 2, message: 'Service temporarily unavailable' } },
        { status: 500 },
      );
    const owned = ownershipFixture(req);
    if (owned) return owned;
    graphSends.push({ url: req.url, auth: req.headers.get('Authorization') });
    return Response.json({
      ...sendResponse,
      messages: [{ id: `wamid.test.${++n}`, message_status: 'accepted' }],
    });
  });
  const party = async (c: string, withKey: boolean): Promise<Party> => ({
    acct: await createRoomyAccount(),
    sid: `AC${c.repeat(32)}`,
    token: `twilio_token_${c.repeat(20)}`,
    apiKey: withKey ? { sid: `SK${c.repeat(32)}`, secret: `key_secret_${c.repeat(20)}` } : undefined,
    number: uniqueNumber('+1415'),
    waba: c === 'a' ? '1110001' : '2220002',
    metaToken: `meta_token_${c.repeat(20)}`,
    appSecret: `app_secret_${c.repeat(20)}`,
    phoneNumberId: c === 'a' ? '9000001' : '9000002',
  });
  A = await party('a', false);
  B = await party('b', true);
  // A's REST login is its auth token; B's Twilio accepts only B's API key pair.
  twilioFixtureAccount(A.sid, [[A.sid, A.token]], [A.number]);
  // B's auth token is a valid login too (it is checked when saved, and signs B's webhooks).
  twilioFixtureAccount(
    B.sid,
    [
      [B.apiKey!.sid, B.apiKey!.secret],
      [B.sid, B.token],
    ],
    [B.number],
  );
  wabaFixture(A.waba, A.metaToken, [{ id: A.phoneNumberId, display: display(A.number) }], A.appSecret);
  wabaFixture(B.waba, B.metaToken, [{ id: B.phoneNumberId, display: display(B.number) }], B.appSecret);
});

const putCreds = (p: Party) =>
  Promise.all([
    request('PUT', '/v1/provider_credentials/twilio', {
      key: p.acct.key,
      body: { account_sid: p.sid, auth_token: p.token, ...(p.apiKey ? { api_key: p.apiKey } : {}) },
    }),
    request('PUT', '/v1/provider_credentials/whatsapp', {
      key: p.acct.key,
      body: { waba_id: p.waba, access_token: p.metaToken, app_secret: p.appSecret },
    }),
  ]);

const register = (p: Party, body: Json) => request('POST', '/v1/phone_numbers', { key: p.acct.key, body });
const sansRequestId = (r: { status: number; body: any }) => {
  const { request_id: _, ...rest } = r.body.error;
  return { status: r.status, ...rest };
};

/** The Worker with some settings changed (the default-credentials switch, live mode, the keyring). */
async function withSettings(patch: Record<string, string>, method: string, path: string, init: Json = {}) {
  const headers: Record<string, string> = { 'CF-Connecting-IP': randomIp(), ...(init.headers ?? {}) };
  if (init.key) headers.Authorization = `Bearer ${init.key}`;
  let body = init.raw as string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['Content-Type'] = 'application/json';
  }
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(BASE + path, { method, headers, body }),
    { ...env, ...patch },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text.startsWith('<') ? 'null' : text) : null };
}

describe('provider credentials', () => {
  it('are validated whole before anything is stored', async () => {
    const bad = await request('PUT', '/v1/provider_credentials/twilio', {
      key: A.acct.key,
      body: { account_sid: A.sid },
    });
    expect(bad.status).toBe(400);
    expect(expectEnvelope(bad).param).toBe('auth_token');
    const badSid = await request('PUT', '/v1/provider_credentials/twilio', {
      key: A.acct.key,
      body: { account_sid: 'AC123', auth_token: A.token },
    });
    expect(expectEnvelope(badSid).param).toBe('account_sid');
    const halfKey = await request('PUT', '/v1/provider_credentials/twilio', {
      key: A.acct.key,
      body: { account_sid: A.sid, auth_token: A.token, api_key: { sid: `SK${'1'.repeat(32)}` } },
    });
    expect(expectEnvelope(halfKey).param).toBe('api_key.secret');
    expect((await request('GET', '/v1/provider_credentials/twilio', { key: A.acct.key })).status).toBe(404);
  });

  it('are stored sealed and shown only by their last four characters', async () => {
    for (const p of [A, B]) for (const r of await putCreds(p)) expect(r.status, r.text).toBe(200);
    const list = await request('GET', '/v1/provider_credentials', { key: B.acct.key });
    expect(list.body.data).toHaveLength(2);
    const tw = list.body.data.find((d: Json) => d.provider === 'twilio');
    expect(tw).toMatchObject({
      account_sid: B.sid,
      api_key_sid: B.apiKey!.sid,
      auth_token_last4: B.token.slice(-4),
      api_key_secret_last4: B.apiKey!.secret.slice(-4),
    });
    for (const secret of [B.token, B.apiKey!.secret, B.metaToken, B.appSecret]) {
      expect(list.text).not.toContain(secret);
      expect(list.text).not.toContain(secret.slice(0, 12));
    }
    const rows = await shardsDb
      .prepare('SELECT * FROM provider_credentials WHERE account_id = ?')
      .bind(B.acct.id)
      .all<Json>();
    expect(rows.results).toHaveLength(2);
    const stored = JSON.stringify(rows.results);
    for (const secret of [B.token, B.apiKey!.secret, B.metaToken, B.appSecret])
      expect(stored).not.toContain(secret);
    expect(rows.results.every((r) => r.key_id === 'k1')).toBe(true);
    // The other account sees none of them.
    expect((await request('GET', '/v1/provider_credentials', { key: A.acct.key })).text).not.toContain(B.sid);
    const audit = await request('GET', '/v1/audit_events', { key: B.acct.key });
    expect(audit.body.data.filter((e: Json) => e.resource_type === 'provider_credential')).toHaveLength(2);
    expect(audit.text).not.toContain(B.token);
  });

  it('a ciphertext moved onto another row does not open (the row is its additional data)', async () => {
    const ring = (await keyring(env.PROVIDER_SECRETS_KEYS))!;
    const sealed = await seal(ring, `${A.acct.id}/twilio/${A.sid}`, '{"auth_token":"x"}');
    expect(await open(ring, sealed.keyId, `${A.acct.id}/twilio/${A.sid}`, sealed.ciphertext)).toContain('x');
    await expect(
      open(ring, sealed.keyId, `${B.acct.id}/twilio/${A.sid}`, sealed.ciphertext),
    ).rejects.toThrow();
  });

  it('a restricted key without credentials:write cannot change them', async () => {
    const ro = (await request('POST', '/v1/api_keys', { key: A.acct.key, body: { scopes: ['*:read'] } })).body
      .key;
    const r = await request('PUT', '/v1/provider_credentials/whatsapp', {
      key: ro,
      body: { waba_id: '1', access_token: 'x'.repeat(20), app_secret: 'y'.repeat(20) },
    });
    expect(r.status).toBe(403);
    expect(
      (await request('GET', '/v1/provider_credentials/whatsapp', { key: A.acct.key })).body.waba_id,
    ).toBe(A.waba);
  });
});

describe('verified ownership', () => {
  it("registers a number only when the account's own Twilio account and WABA list it", async () => {
    const before = lookups.length;
    const r = await register(A, {
      number: A.number,
      provider: 'twilio',
      agent_id: A.acct.agentId,
      whatsapp_phone_number_id: A.phoneNumberId,
    });
    expect(r.status, r.text).toBe(201);
    const asked = lookups.slice(before);
    expect(asked.map((l) => new URL(l.url).pathname)).toEqual([
      `/2010-04-01/Accounts/${A.sid}/IncomingPhoneNumbers.json`,
      `/v21.0/${A.waba}/phone_numbers`,
    ]);
    expect(asked[0].auth).toBe(`Basic ${btoa(`${A.sid}:${A.token}`)}`);
    expect(asked[1].auth).toBe(`Bearer ${A.metaToken}`);
    const rb = await register(B, {
      number: B.number,
      provider: 'twilio',
      agent_id: B.acct.agentId,
      whatsapp_phone_number_id: B.phoneNumberId,
    });
    expect(rb.status, rb.text).toBe(201);
    expect(lookups.at(-2)?.auth).toBe(`Basic ${btoa(`${B.apiKey!.sid}:${B.apiKey!.secret}`)}`);
  });

  it("another account's number gets the very answer of a number not in your provider account", async () => {
    const unlisted = await register(A, { number: uniqueNumber('+1415'), provider: 'twilio' });
    expect(unlisted.status).toBe(422);
    expect(expectEnvelope(unlisted).param).toBe('number');
    // B's number is not in A's Twilio account …
    const held = await register(A, { number: B.number, provider: 'twilio' });
    // … and even when A's Twilio account lists it too (a number moved between Twilio accounts), the
    // answer is the same, so registering never tells A that B holds it.
    twilioFixtureAccount(A.sid, [], [B.number]);
    const heldListed = await register(A, { number: B.number, provider: 'twilio' });
    const expected = sansRequestId(unlisted);
    expected.message = expected.message.replace(/^\+\d+/, B.number);
    expect(sansRequestId(held)).toEqual(expected);
    expect(sansRequestId(heldListed)).toEqual(expected);
  });

  it("another account's phone_number_id gets the answer of an id not in your WABA; the id is unique", async () => {
    const other = uniqueNumber('+1415');
    twilioFixtureAccount(A.sid, [], [other]);
    const unknown = await register(A, {
      number: other,
      provider: 'twilio',
      whatsapp_phone_number_id: '9999999',
    });
    const held = await register(A, {
      number: other,
      provider: 'twilio',
      whatsapp_phone_number_id: B.phoneNumberId,
    });
    expect(unknown.status).toBe(422);
    expect(expectEnvelope(unknown).param).toBe('whatsapp_phone_number_id');
    const expected = sansRequestId(unknown);
    expected.message = expected.message.replace('9999999', B.phoneNumberId);
    expect(sansRequestId(held)).toEqual(expected);
    // Even when A's WABA lists B's id with A's display number, the unique index refuses it the same way.
    wabaFixture(A.waba, A.metaToken, [{ id: B.phoneNumberId, display: display(other) }]);
    const listed = await register(A, {
      number: other,
      provider: 'twilio',
      whatsapp_phone_number_id: B.phoneNumberId,
    });
    expect(sansRequestId(listed)).toEqual(expected);
    const mine = (await request('GET', '/v1/phone_numbers', { key: A.acct.key })).body.data.find(
      (n: Json) => n.number === A.number,
    );
    const patched = await request('PATCH', `/v1/phone_numbers/${mine.id}`, {
      key: A.acct.key,
      body: { whatsapp_phone_number_id: B.phoneNumberId },
    });
    expect(sansRequestId(patched)).toEqual({ ...expected, message: expected.message });
    // Deployment-wide uniqueness lives in the directory's claims (accounts may be on different D1 shards).
    const dup = env.DB.prepare(
      "INSERT INTO number_claims (kind, value, account_id, created_at) VALUES ('whatsapp_id', ?, ?, 0)",
    ).bind(B.phoneNumberId, A.acct.id);
    await expect(dup.run()).rejects.toThrow(/UNIQUE/);
    const plan = await shardsDb
      .prepare('EXPLAIN QUERY PLAN SELECT account_id FROM phone_numbers WHERE whatsapp_phone_number_id = ?')
      .bind(B.phoneNumberId)
      .all<Json>();
    expect(JSON.stringify(plan.results)).toContain('phone_numbers_whatsapp_id');
  });

  it('simulator numbers are refused in live mode, accepted in test mode', async () => {
    const number = uniqueNumber('+1628');
    const live = await withSettings({ API_KEY_MODE: 'live' }, 'POST', '/v1/phone_numbers', {
      key: A.acct.key,
      body: { number },
    });
    expect(live.status).toBe(400);
    expect(live.body.error.param).toBe('provider');
    expect((await register(A, { number })).status).toBe(201);
  });

  it('deployment credentials serve an account without its own only with PROVIDER_DEFAULT_CREDENTIALS=on', async () => {
    const c = await createRoomyAccount();
    const number = uniqueNumber('+1415');
    twilioFixtureAccount(DEPLOYMENT_SID, [[DEPLOYMENT_SID, DEPLOYMENT_TOKEN]], [number]);
    const off = await withSettings({ PROVIDER_DEFAULT_CREDENTIALS: 'off' }, 'POST', '/v1/phone_numbers', {
      key: c.key,
      body: { number, provider: 'twilio', agent_id: c.agentId },
    });
    expect(off.status).toBe(422);
    expect(off.body.error.param).toBe('provider');
    const on = await request('POST', '/v1/phone_numbers', {
      key: c.key,
      body: { number, provider: 'twilio', agent_id: c.agentId },
    });
    expect(on.status, on.text).toBe(201);
    // Inbound to it, signed with the deployment's token: taken with the switch on, refused with it off.
    const params = { ...inboundVoice, To: number, Called: number, CallSid: 'CAdefault' };
    const sig = await twilioSignature(DEPLOYMENT_TOKEN, `${BASE}/providers/twilio/voice`, params);
    const form = { raw: new URLSearchParams(params).toString(), headers: twilioHeaders(sig) };
    expect(
      (await withSettings({ PROVIDER_DEFAULT_CREDENTIALS: 'off' }, 'POST', '/providers/twilio/voice', form))
        .status,
    ).toBe(401);
    expect((await withSettings({}, 'POST', '/providers/twilio/voice', form)).status).toBe(200);
  });
});

const twilioHeaders = (signature: string) => ({
  'Content-Type': 'application/x-www-form-urlencoded',
  'X-Twilio-Signature': signature,
});

async function twilioInbound(to: Party, signer: { token: string; sid: string }, callSid: string) {
  const params = {
    ...inboundVoice,
    AccountSid: signer.sid,
    To: to.number,
    Called: to.number,
    CallSid: callSid,
  };
  const signature = await twilioSignature(signer.token, `${BASE}/providers/twilio/voice`, params);
  return request('POST', '/providers/twilio/voice', {
    raw: new URLSearchParams(params).toString(),
    headers: twilioHeaders(signature),
  });
}

const inboundCalls = async (p: Party) =>
  (await request('GET', '/v1/calls?direction=inbound', { key: p.acct.key })).body.data as Json[];

describe('inbound webhooks find the account by the provider’s identifiers', () => {
  it("a Twilio call is routed by AccountSid + To and verified with that account's auth token", async () => {
    const ra = await twilioInbound(A, A, 'CAtoA');
    expect(ra.status, ra.text).toBe(200);
    expect(ra.text).toContain('<Response>');
    const rb = await twilioInbound(B, B, 'CAtoB');
    expect(rb.status, rb.text).toBe(200);
    expect((await inboundCalls(A)).map((c) => c.to_number)).toEqual([A.number]);
    expect((await inboundCalls(B)).map((c) => c.to_number)).toEqual([B.number]);
  });

  it("a request signed with the other account's secret, or naming the wrong AccountSid, is refused", async () => {
    // B's token and B's AccountSid, to A's number.
    expect((await twilioInbound(A, B, 'CAforged1')).status).toBe(401);
    // B's token with A's AccountSid.
    expect((await twilioInbound(A, { sid: A.sid, token: B.token }, 'CAforged2')).status).toBe(401);
    // A's own token, but claiming to come from B's Twilio account.
    expect((await twilioInbound(A, { sid: B.sid, token: A.token }, 'CAforged3')).status).toBe(401);
    // The deployment's token, which used to serve every account.
    expect(
      (await twilioInbound(A, { sid: DEPLOYMENT_SID, token: DEPLOYMENT_TOKEN }, 'CAforged4')).status,
    ).toBe(401);
    expect(await inboundCalls(A)).toHaveLength(1);
  });

  const metaPost = (payload: unknown, secret: string) => {
    const raw = JSON.stringify(payload);
    return metaSignature(secret, raw).then((sig) =>
      request('POST', '/providers/whatsapp', {
        raw,
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sig },
      }),
    );
  };
  const inbound = (p: Party, text: string, id: string) => {
    const payload = structuredClone(inboundWebhook) as any;
    const value = payload.entry[0].changes[0].value;
    value.metadata.phone_number_id = p.phoneNumberId;
    value.messages[0].id = id;
    value.messages[0].text.body = text;
    return payload.entry[0];
  };
  const texts = async (p: Party) =>
    ((await request('GET', '/v1/messages?direction=inbound', { key: p.acct.key })).body.data as Json[]).map(
      (m) => m.content,
    );

  it("a Meta message is routed by phone_number_id and verified with that account's app secret", async () => {
    expect(
      (await metaPost({ object: 'x', entry: [inbound(A, 'hello A', 'wamid.a1')] }, A.appSecret)).status,
    ).toBe(200);
    expect(
      (await metaPost({ object: 'x', entry: [inbound(B, 'hello B', 'wamid.b1')] }, B.appSecret)).status,
    ).toBe(200);
    expect(await texts(A)).toEqual(['hello A']);
    expect(await texts(B)).toEqual(['hello B']);
  });

  it("one signed with the other account's app secret is refused, and a mixed payload delivers only the signer's", async () => {
    expect(
      (await metaPost({ object: 'x', entry: [inbound(A, 'forged', 'wamid.f1')] }, B.appSecret)).status,
    ).toBe(401);
    expect(
      (await metaPost({ object: 'x', entry: [inbound(A, 'forged', 'wamid.f2')] }, 'test_meta_app_secret'))
        .status,
    ).toBe(401);
    const mixed = {
      object: 'x',
      entry: [inbound(A, 'smuggled', 'wamid.f3'), inbound(B, 'B again', 'wamid.b2')],
    };
    expect((await metaPost(mixed, B.appSecret)).status).toBe(200);
    expect(await texts(A)).toEqual(['hello A']);
    expect((await texts(B)).sort()).toEqual(['B again', 'hello B']);
  });
});

describe("outbound uses the account's own credentials", () => {
  it('Twilio calls are placed in each account’s Twilio account with its REST login', async () => {
    for (const p of [A, B]) {
      const r = await request('POST', '/v1/call', {
        key: p.acct.key,
        body: { agent_id: p.acct.agentId, recipient_phone: uniqueNumber('+1646'), from_number: p.number },
      });
      expect(r.status, r.text).toBe(201);
      const sent = await waitFor(() => twilioCalls.find((t) => t.form.get('From') === p.number), {
        what: 'Twilio create call',
      });
      expect(new URL(sent.url).pathname).toBe(`/2010-04-01/Accounts/${p.sid}/Calls.json`);
      expect(sent.auth).toBe(
        p.apiKey
          ? `Basic ${btoa(`${p.apiKey.sid}:${p.apiKey.secret}`)}`
          : `Basic ${btoa(`${p.sid}:${p.token}`)}`,
      );
    }
    expect(twilioCalls.some((t) => t.url.includes(DEPLOYMENT_SID))).toBe(false);
  });

  it("WhatsApp messages go from each account's number with its own token", async () => {
    for (const p of [A, B]) {
      const before = graphSends.length;
      const r = await request('POST', '/api/v1/whatsapp/send', {
        key: p.acct.key,
        body: {
          agent_id: p.acct.agentId,
          to_number: '+14155550180',
          message_type: 'template',
          content: { name: 'appointment_reminder', language: 'en_US' },
        },
      });
      expect(r.status, r.text).toBe(200);
      const sent = graphSends.slice(before);
      expect(sent).toHaveLength(1);
      const url = new URL(sent[0].url);
      expect(url.origin + url.pathname).toBe(`https://graph.test/v21.0/${p.phoneNumberId}/messages`);
      expect(sent[0].auth).toBe(`Bearer ${p.metaToken}`);
      // The account's own app secret proves the token (Graph's appsecret_proof).
      expect(url.searchParams.get('appsecret_proof')).toBe(await metaProof(p.appSecret, p.metaToken));
    }
  });

  it('an app with "Require App Secret" on: credential checks and ownership lookups carry the proof (sends: the test above)', async () => {
    const number = uniqueNumber('+1415');
    const id = '9000101';
    twilioFixtureAccount(A.sid, [[A.sid, A.token]], [number]);
    wabaFixture(A.waba, A.metaToken, [{ id, display: display(number) }]);
    wabaRequiresProof(A.waba);
    try {
      const lookupsBefore = lookups.length;
      const saved = await request('PUT', '/v1/provider_credentials/whatsapp', {
        key: A.acct.key,
        body: { waba_id: A.waba, access_token: A.metaToken, app_secret: A.appSecret },
      });
      expect(saved.status, saved.text).toBe(200);
      const reg = await register(A, { number, provider: 'twilio', whatsapp_phone_number_id: id });
      expect(reg.status, reg.text).toBe(201);
      const graph = lookups.slice(lookupsBefore).filter((l) => l.url.startsWith('https://graph.test/'));
      expect(graph.length).toBeGreaterThanOrEqual(3); // the WABA, its numbers (check), its numbers (ownership)
      const proof = await metaProof(A.appSecret, A.metaToken);
      for (const l of graph) expect(new URL(l.url).searchParams.get('appsecret_proof'), l.url).toBe(proof);
    } finally {
      wabaRequiresProof(A.waba, false);
    }
  });

  it('credentials in use cannot be deleted or pointed at another provider account', async () => {
    const del = await request('DELETE', '/v1/provider_credentials/twilio', { key: A.acct.key });
    expect(del.status).toBe(409);
    const moved = await request('PUT', '/v1/provider_credentials/twilio', {
      key: A.acct.key,
      body: { account_sid: B.sid, auth_token: B.token },
    });
    expect(moved.status).toBe(409);
    expect(expectEnvelope(moved).param).toBe('account_sid');
  });
});

describe('credentials are checked with the provider when saved', () => {
  const put = (p: TestAccount, provider: string, body: Json) =>
    request('PUT', `/v1/provider_credentials/${provider}`, { key: p.key, body });
  const refusedWith = (r: Awaited<ReturnType<typeof request>>, param: string) => {
    expect(r.status, r.text).toBe(400);
    expect(expectEnvelope(r).param).toBe(param);
  };
  const stored = async (acct: TestAccount) =>
    (
      await shardsDb
        .prepare('SELECT * FROM provider_credentials WHERE account_id = ?')
        .bind(acct.id)
        .all<Json>()
    ).results;

  it('Twilio: a wrong token, an unknown account, another account’s API key or a suspended account is a 400 naming the field; nothing is stored', async () => {
    const c = await createRoomyAccount();
    const sid = `AC${'d'.repeat(32)}`;
    const token = `twilio_token_${'d'.repeat(20)}`;
    twilioFixtureAccount(sid, [[sid, token]]);
    const before = lookups.length;
    refusedWith(await put(c, 'twilio', { account_sid: sid, auth_token: `${token}x` }), 'auth_token');
    // Twilio was asked for the Account resource with the given login.
    expect(new URL(lookups[before].url).pathname).toBe(`/2010-04-01/Accounts/${sid}.json`);
    expect(lookups[before].auth).toBe(`Basic ${btoa(`${sid}:${token}x`)}`);
    refusedWith(
      await put(c, 'twilio', { account_sid: `AC${'e'.repeat(32)}`, auth_token: token }),
      'auth_token',
    );
    // The right token, but B's API key pair (Twilio answers 404 for B's key on this account).
    refusedWith(
      await put(c, 'twilio', { account_sid: sid, auth_token: token, api_key: B.apiKey }),
      'api_key.sid',
    );
    refusedWith(
      await put(c, 'twilio', {
        account_sid: B.sid,
        auth_token: B.token,
        api_key: { sid: B.apiKey!.sid, secret: `${B.apiKey!.secret}x` },
      }),
      'api_key.secret',
    );
    twilioFixtureStatus(sid, 'suspended');
    const suspended = await put(c, 'twilio', { account_sid: sid, auth_token: token });
    refusedWith(suspended, 'account_sid');
    expect(suspended.body.error.message).toContain('suspended');
    expect(await stored(c)).toEqual([]);
    twilioFixtureStatus(sid, 'active');
    expect((await put(c, 'twilio', { account_sid: sid, auth_token: token })).status).toBe(200);
  });

  it('Meta: a wrong token, a WABA the token cannot read, or a wrong app secret is a 400 naming the field', async () => {
    const c = await createRoomyAccount();
    const ok = {
      waba_id: '3330003',
      access_token: `meta_token_${'f'.repeat(20)}`,
      app_secret: `app_secret_${'f'.repeat(20)}`,
    };
    wabaFixture(ok.waba_id, ok.access_token, [], ok.app_secret);
    const before = lookups.length;
    refusedWith(await put(c, 'whatsapp', { ...ok, access_token: `${ok.access_token}x` }), 'access_token');
    const asked = new URL(lookups[before].url);
    expect(asked.pathname).toBe(`/v21.0/${ok.waba_id}`);
    expect(asked.searchParams.get('fields')).toBe('id,name');
    expect(lookups[before].auth).toBe(`Bearer ${ok.access_token}x`);
    // B's WABA with this token: Graph's "Unsupported get request" (100).
    refusedWith(await put(c, 'whatsapp', { ...ok, waba_id: B.waba }), 'waba_id');
    refusedWith(await put(c, 'whatsapp', { ...ok, app_secret: B.appSecret }), 'app_secret');
    expect(await stored(c)).toEqual([]);
    expect((await put(c, 'whatsapp', ok)).status).toBe(200);
  });

  it('Meta: every phone_number_id the account registered must still be in the WABA, or the save names it', async () => {
    wabaFixtureRemove(A.waba, A.phoneNumberId);
    const r = await put(A.acct, 'whatsapp', {
      waba_id: A.waba,
      access_token: A.metaToken,
      app_secret: A.appSecret,
    });
    refusedWith(r, 'waba_id');
    expect(r.body.error.message).toContain(A.phoneNumberId);
    wabaFixture(A.waba, A.metaToken, [{ id: A.phoneNumberId, display: display(A.number) }]);
    const again = await put(A.acct, 'whatsapp', {
      waba_id: A.waba,
      access_token: A.metaToken,
      app_secret: A.appSecret,
    });
    expect(again.status, again.text).toBe(200);
  });

  it('a provider that cannot be asked is a 503 provider_unavailable, never a 500, and nothing is stored', async () => {
    const c = await createRoomyAccount();
    const sid = `AC${'9'.repeat(32)}`;
    twilioFixtureAccount(sid, [[sid, A.token]]);
    try {
      for (const mode of ['network', '5xx'] as const) {
        outage = mode;
        for (const [provider, body] of [
          ['twilio', { account_sid: sid, auth_token: A.token }],
          ['whatsapp', { waba_id: A.waba, access_token: A.metaToken, app_secret: A.appSecret }],
        ] as const) {
          const r = await put(c, provider, body);
          expect(r.status, `${mode} ${provider}: ${r.text}`).toBe(503);
          expect(expectEnvelope(r).code).toBe('provider_unavailable');
          expect(r.headers.get('Retry-After')).toBe('10');
        }
      }
    } finally {
      outage = null;
    }
    expect(await stored(c)).toEqual([]);
  });

  it('another account cannot save A’s Twilio account or A’s WABA with its own secrets', async () => {
    // A second account (no numbers yet, so the 409 rule does not apply) holding B's provider secrets.
    const other = await createRoomyAccount();
    refusedWith(await put(other, 'twilio', { account_sid: A.sid, auth_token: B.token }), 'auth_token');
    refusedWith(
      await put(other, 'twilio', { account_sid: A.sid, auth_token: A.token, api_key: B.apiKey }),
      'api_key.sid',
    );
    refusedWith(
      await put(other, 'whatsapp', { waba_id: A.waba, access_token: B.metaToken, app_secret: B.appSecret }),
      'waba_id',
    );
    expect(await stored(other)).toEqual([]);
    // B itself cannot move onto A's accounts either (its numbers pin it: 409), and keeps its own.
    expect((await put(B.acct, 'twilio', { account_sid: A.sid, auth_token: B.token })).status).toBe(409);
    const mine = await request('GET', '/v1/provider_credentials', { key: B.acct.key });
    expect(mine.body.data.map((d: Json) => d.account_sid ?? d.waba_id).sort()).toEqual(
      [B.sid, B.waba].sort(),
    );
  });

  it('a rotation Twilio or Meta refuses keeps the old credentials working', async () => {
    const tw = await put(A.acct, 'twilio', { account_sid: A.sid, auth_token: `rotated_${A.token}` });
    refusedWith(tw, 'auth_token');
    const wa = await put(A.acct, 'whatsapp', {
      waba_id: A.waba,
      access_token: `rotated_${A.metaToken}`,
      app_secret: A.appSecret,
    });
    refusedWith(wa, 'access_token');
    const now = await request('GET', '/v1/provider_credentials/twilio', { key: A.acct.key });
    expect(now.body.auth_token_last4).toBe(A.token.slice(-4));
    // A's webhooks still verify with A's old token, and A's messages still go out with A's old Meta token.
    expect((await twilioInbound(A, A, 'CAafterfailedrotation')).status).toBe(200);
    const before = graphSends.length;
    const sent = await request('POST', '/api/v1/whatsapp/send', {
      key: A.acct.key,
      body: {
        agent_id: A.acct.agentId,
        to_number: '+14155550180',
        message_type: 'template',
        content: { name: 'appointment_reminder', language: 'en_US' },
      },
    });
    expect(sent.status, sent.text).toBe(200);
    expect(graphSends.slice(before).map((g) => g.auth)).toEqual([`Bearer ${A.metaToken}`]);
  });

  it('with PROVIDER_CREDENTIAL_CHECK=simulator only the simulator’s documented test credentials pass, and no provider is asked', async () => {
    const c = await createRoomyAccount();
    const sim = { PROVIDER_CREDENTIAL_CHECK: 'simulator' };
    const before = lookups.length;
    const t = SIMULATOR_TWILIO_CREDENTIALS;
    const m = SIMULATOR_META_CREDENTIALS;
    const wrong = await withSettings(sim, 'PUT', '/v1/provider_credentials/twilio', {
      key: c.key,
      body: { account_sid: t.account_sid, auth_token: `${t.auth_token}x` },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.param).toBe('auth_token');
    const wrongMeta = await withSettings(sim, 'PUT', '/v1/provider_credentials/whatsapp', {
      key: c.key,
      body: { waba_id: m.waba_id, access_token: m.access_token, app_secret: `${m.app_secret}x` },
    });
    expect(wrongMeta.body.error.param).toBe('app_secret');
    expect(await stored(c)).toEqual([]);
    const right = await withSettings(sim, 'PUT', '/v1/provider_credentials/twilio', {
      key: c.key,
      body: { account_sid: t.account_sid, auth_token: t.auth_token, api_key: t.api_key },
    });
    expect(right.status, right.text).toBe(200);
    const rightMeta = await withSettings(sim, 'PUT', '/v1/provider_credentials/whatsapp', {
      key: c.key,
      body: m,
    });
    expect(rightMeta.status, rightMeta.text).toBe(200);
    expect(lookups.length).toBe(before);
  });
});

describe('each account’s own Meta webhook verify token', () => {
  const webhookOf = async (p: TestAccount) =>
    (await request('GET', '/v1/provider_credentials/whatsapp/webhook', { key: p.key })).body as {
      callback_url: string;
      verify_token: string;
    };
  const handshake = (path: string, token: string, mode = 'subscribe') =>
    request(
      'GET',
      `${path}?${new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': '1158201444' })}`,
    );

  /** A new account with its own WABA's credentials saved (digit `d` makes them its own). */
  const savedMeta = async (d: string) => {
    const c = await createRoomyAccount();
    const creds = {
      waba_id: d.repeat(3) + '000' + d,
      access_token: `meta_token_${d.repeat(20)}`,
      app_secret: `app_secret_${d.repeat(20)}`,
    };
    wabaFixture(creds.waba_id, creds.access_token, [], creds.app_secret);
    const first = await request('PUT', '/v1/provider_credentials/whatsapp', { key: c.key, body: creds });
    return { c, creds, first };
  };

  it('is made at the first save, shown in that answer, kept by later saves, and stored only sealed and hashed', async () => {
    const { c, creds, first } = await savedMeta('4');
    expect(first.status, first.text).toBe(200);
    const token = first.body.webhook_verify_token as string;
    expect(token).toMatch(/^cpvt_[0-9a-f]{64}$/);
    expect(first.body.webhook_callback_url).toBe(`${BASE}/providers/whatsapp/${c.id}`);
    const hook = await webhookOf(c);
    expect(hook).toMatchObject({
      object: 'meta_webhook',
      callback_url: first.body.webhook_callback_url,
      verify_token: token,
    });
    // A later save (a rotated token) keeps it and does not show it again.
    const again = await request('PUT', '/v1/provider_credentials/whatsapp', { key: c.key, body: creds });
    expect(again.body.webhook_verify_token).toBeNull();
    expect((await webhookOf(c)).verify_token).toBe(token);
    const listed = await request('GET', '/v1/provider_credentials', { key: c.key });
    expect(listed.text).not.toContain(token);
    const [row] = (
      await shardsDb
        .prepare("SELECT * FROM provider_credentials WHERE account_id = ? AND provider = 'whatsapp'")
        .bind(c.id)
        .all<Json>()
    ).results;
    expect(JSON.stringify(row)).not.toContain(token.slice(5, 25));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
    expect(row.verify_token_hash).toBe([...digest].map((b) => b.toString(16).padStart(2, '0')).join(''));
    // Unique: no second row (here the same account's, so on the same shard) may carry the same hash.
    const dup = shardsDb
      .prepare(
        `INSERT INTO provider_credentials (account_id, provider, external_id, details, key_id, ciphertext,
           created_at, updated_at, verify_token_hash) VALUES (?, 'twilio', 'x', '{}', 'k1', 'x', 0, 0, ?)`,
      )
      .bind(c.id, row.verify_token_hash);
    await expect(dup.run()).rejects.toThrow(/UNIQUE/);
  });

  it("Meta's handshake at an account's callback URL answers the challenge for that account's token only", async () => {
    const a = await webhookOf(A.acct);
    const b = await webhookOf(B.acct);
    expect(a.verify_token).not.toBe(b.verify_token);
    const pathA = new URL(a.callback_url).pathname;
    const pathB = new URL(b.callback_url).pathname;
    const ok = await handshake(pathA, a.verify_token);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.text).toBe('1158201444');
    expect((await handshake(pathB, b.verify_token)).text).toBe('1158201444');
    // A's token at B's URL, B's at A's, the deployment's at either, a wrong mode, an unknown account: 403 alike.
    const refusals = [
      await handshake(pathB, a.verify_token),
      await handshake(pathA, b.verify_token),
      await handshake(pathA, 'test_meta_verify_token'),
      await handshake(pathA, a.verify_token, 'unsubscribe'),
      await handshake(pathA, ''),
      await handshake('/providers/whatsapp/acct_doesnotexist000000000', a.verify_token),
    ];
    for (const r of refusals) {
      expect(r.status, r.text).toBe(403);
      expect(r.text).not.toContain('1158201444');
      expect(sansRequestId(r)).toEqual(sansRequestId(refusals[0]));
    }
    // The shared URL takes the deployment's token, not an account's.
    expect((await handshake('/providers/whatsapp', a.verify_token)).status).toBe(403);
    expect((await handshake('/providers/whatsapp', 'test_meta_verify_token')).status).toBe(200);
    // Another account cannot read A's token.
    const other = await createRoomyAccount();
    expect(
      (await request('GET', '/v1/provider_credentials/whatsapp/webhook', { key: other.key })).status,
    ).toBe(404);
  });

  it('is replaced by rotate at once, audited; reading or rotating it needs credentials:write, and only the own one', async () => {
    const { c, creds, first } = await savedMeta('5');
    const old = first.body.webhook_verify_token as string;
    const path = `/providers/whatsapp/${c.id}`;
    expect((await handshake(path, old)).status).toBe(200);
    const rotated = await request('POST', '/v1/provider_credentials/whatsapp/webhook/rotate', { key: c.key });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.headers.get('Cache-Control')).toBe('no-store');
    const fresh = rotated.body.verify_token as string;
    expect(fresh).toMatch(/^cpvt_[0-9a-f]{64}$/);
    expect(fresh).not.toBe(old);
    expect(rotated.body.callback_url).toBe(`${BASE}${path}`);
    expect((await handshake(path, old)).status).toBe(403);
    expect((await handshake(path, fresh)).text).toBe('1158201444');
    expect((await webhookOf(c)).verify_token).toBe(fresh);
    // The credentials themselves still open (sealed again with the token replaced).
    const again = await request('PUT', '/v1/provider_credentials/whatsapp', { key: c.key, body: creds });
    expect(again.status, again.text).toBe(200);
    expect((await webhookOf(c)).verify_token).toBe(fresh);
    const audit = await request('GET', '/v1/audit_events?resource_type=provider_credential', { key: c.key });
    expect(audit.body.data.map((e: Json) => e.action)).toContain('provider_credential.rotated');
    expect(audit.text).not.toContain(fresh);
    // Read-only keys see neither the token nor may they rotate it; another account has none to rotate.
    for (const scopes of [['credentials:read'], ['*:read']]) {
      const k = await request('POST', '/v1/api_keys', { key: c.key, body: { scopes } });
      expect(k.status, k.text).toBe(201);
      const read = await request('GET', '/v1/provider_credentials/whatsapp/webhook', { key: k.body.key });
      expect(read.status).toBe(403);
      expect(read.text).not.toContain(fresh);
      expect((await request('GET', '/v1/provider_credentials/whatsapp', { key: k.body.key })).status).toBe(
        200,
      );
      const rot = await request('POST', '/v1/provider_credentials/whatsapp/webhook/rotate', {
        key: k.body.key,
      });
      expect(rot.status).toBe(403);
    }
    const writer = await request('POST', '/v1/api_keys', {
      key: c.key,
      body: { scopes: ['credentials:write'] },
    });
    expect(
      (await request('GET', '/v1/provider_credentials/whatsapp/webhook', { key: writer.body.key })).status,
    ).toBe(200);
    const other = await createRoomyAccount();
    expect(
      (await request('POST', '/v1/provider_credentials/whatsapp/webhook/rotate', { key: other.key })).status,
    ).toBe(404);
    expect((await handshake(path, fresh)).status).toBe(200);
  });

  it("an account's callback URL takes only that account's own signed messages", async () => {
    const payload = structuredClone(inboundWebhook) as any;
    const value = payload.entry[0].changes[0].value;
    value.metadata.phone_number_id = A.phoneNumberId;
    value.messages[0].id = 'wamid.own-url';
    value.messages[0].text.body = 'via my own URL';
    const raw = JSON.stringify(payload);
    const post = async (accountId: string, secret: string) =>
      request('POST', `/providers/whatsapp/${accountId}`, {
        raw,
        headers: {
          'Content-Type': 'application/json',
          'X-Hub-Signature-256': await metaSignature(secret, raw),
        },
      });
    // A's message, signed by A, sent to B's URL: B's secret judges, so it is refused and nothing lands.
    expect((await post(B.acct.id, A.appSecret)).status).toBe(401);
    expect((await post(B.acct.id, B.appSecret)).status).toBe(200);
    const inboxA = async () =>
      ((await request('GET', '/v1/messages?direction=inbound', { key: A.acct.key })).body.data as Json[]).map(
        (m) => m.content,
      );
    expect(await inboxA()).not.toContain('via my own URL');
    expect((await post(A.acct.id, A.appSecret)).status).toBe(200);
    expect(await inboxA()).toContain('via my own URL');
  });
});

describe('key rotation', () => {
  const NEW_KEY = btoa('fedcba9876543210fedcba9876543210');
  it('the operator re-seals every row under the new key; the old key can then go', async () => {
    const both = `k2:${NEW_KEY},${env.PROVIDER_SECRETS_KEYS}`;
    const r = await withSettings(
      { PROVIDER_SECRETS_KEYS: both },
      'POST',
      '/admin/provider_credentials/reencrypt',
      {
        key: ADMIN_TOKEN,
        body: { limit: 500 },
      },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ object: 'reencryption', remaining: 0, key_id: 'k2' });
    expect(r.body.reencrypted).toBeGreaterThanOrEqual(4);
    const keys = await shardsDb.prepare('SELECT DISTINCT key_id FROM provider_credentials').all<Json>();
    expect([...new Set(keys.results.map((k) => k.key_id))]).toEqual(['k2']);
    // With only the new key, A's webhook still verifies with A's token; the old keyring can open nothing.
    const params = { ...inboundVoice, AccountSid: A.sid, To: A.number, Called: A.number, CallSid: 'CArot' };
    const signed = {
      raw: new URLSearchParams(params).toString(),
      headers: twilioHeaders(await twilioSignature(A.token, `${BASE}/providers/twilio/voice`, params)),
    };
    expect(
      (
        await withSettings(
          { PROVIDER_SECRETS_KEYS: `k2:${NEW_KEY}` },
          'POST',
          '/providers/twilio/voice',
          signed,
        )
      ).status,
    ).toBe(200);
    const again = await withSettings(
      { PROVIDER_SECRETS_KEYS: both },
      'POST',
      '/admin/provider_credentials/reencrypt',
      {
        key: ADMIN_TOKEN,
      },
    );
    expect(again.body).toMatchObject({ reencrypted: 0, remaining: 0 });
  });
});
