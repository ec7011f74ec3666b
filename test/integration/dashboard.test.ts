// The dashboard's sign-in: sessions, cookie flags, CSRF on every API call and form post, tenancy, sign-out.
import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  expectEnvelope,
  request,
  BASE,
  type Reply,
  type TestAccount,
} from '../helpers/harness';

let owner: TestAccount, other: TestAccount;
let otherCallId: string;

/** Signs in through the form as a browser would (same-origin form post) and returns the session. */
async function signIn(key: string) {
  const res = await request('POST', '/dashboard/sign_in', {
    raw: new URLSearchParams({ api_key: key }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
  });
  const setCookie = res.headers.get('Set-Cookie') ?? '';
  const cookie = /cp_session=([^;]+)/.exec(setCookie)?.[1] ?? '';
  const page = await request('GET', '/dashboard', { headers: { Cookie: `cp_session=${cookie}` } });
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)?.[1] ?? '';
  return { res, setCookie, cookie, csrf };
}
const withSession = (s: { cookie: string; csrf?: string }, extra: Record<string, string> = {}) => ({
  Cookie: `cp_session=${s.cookie}`,
  ...(s.csrf ? { 'X-CSRF-Token': s.csrf } : {}),
  ...extra,
});

function refused(res: Reply, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(expectEnvelope(res).code).toBe(code);
}

beforeAll(async () => {
  owner = await createAccount('growth');
  other = await createAccount('growth');
  const call = await request('POST', '/v1/call', {
    key: other.key,
    body: { agent_id: other.agentId, recipient_phone: '+14155550123' },
  });
  otherCallId = call.body.call_id;
});

describe('dashboard sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax, Secure (https), expiring session cookie and redirects', async () => {
    const s = await signIn(owner.key);
    expect(s.res.status).toBe(303);
    expect(s.res.headers.get('Location')).toBe('/dashboard');
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Lax/);
    expect(s.setCookie).toMatch(/Secure/);
    expect(s.setCookie).toMatch(/Max-Age=43200/);
    expect(s.cookie).toMatch(/^sess_acct_[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]+$/);
    expect(s.csrf).toMatch(/^csrf_/);
  });

  it('refuses a wrong key with 401 and sets no cookie', async () => {
    const res = await request('POST', '/dashboard/sign_in', {
      raw: new URLSearchParams({ api_key: 'sk_test_00000000000000000000000000000000' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('Set-Cookie')).toBeNull();
  });

  it('refuses a cross-site sign-in form post (login CSRF)', async () => {
    const res = await request('POST', '/dashboard/sign_in', {
      raw: new URLSearchParams({ api_key: owner.key }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('Set-Cookie')).toBeNull();
  });
});

describe('no page or dashboard API answers without a session', () => {
  for (const path of ['/dashboard', '/dashboard/calls', '/dashboard/settings', '/dashboard/calls/call_x']) {
    it(`GET ${path} redirects to sign-in`, async () => {
      const res = await request('GET', path);
      expect(res.status).toBe(302);
      expect(res.headers.get('Location')).toBe('/dashboard/sign_in');
      expect(res.text).not.toContain('csrf-token');
    });
  }

  it('a forged or tampered cookie is not a session', async () => {
    const s = await signIn(owner.key);
    const tampered = `${s.cookie.slice(0, -2)}xx`;
    expect(
      (await request('GET', '/dashboard', { headers: { Cookie: `cp_session=${tampered}` } })).status,
    ).toBe(302);
    const res = await request('GET', '/v1/account', {
      headers: withSession({ cookie: tampered, csrf: s.csrf }),
    });
    refused(res, 401, 'unauthorized');
  });
});

describe('the session cookie authenticates API calls only with the CSRF token', () => {
  it('answers with the CSRF header, for the signed-in account', async () => {
    const s = await signIn(owner.key);
    const res = await request('GET', '/v1/account', { headers: withSession(s) });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(owner.id);
    // What Settings and Overview show: the growth plan's figures.
    expect(res.body.effective_limits).toMatchObject({
      calls_per_minute: 60,
      concurrent_calls: 3,
      api_per_minute: 100,
    });
  });

  it('refuses a read and a state-changing request carrying the cookie alone (403), storing nothing', async () => {
    const s = await signIn(owner.key);
    refused(
      await request('GET', '/v1/agents', { headers: withSession({ cookie: s.cookie }) }),
      403,
      'forbidden',
    );
    const made = await request('POST', '/v1/agents', {
      headers: withSession({ cookie: s.cookie }),
      body: { name: 'csrf victim', prompt: 'p' },
    });
    refused(made, 403, 'forbidden');
    const wrong = await request('POST', '/v1/agents', {
      headers: withSession({ cookie: s.cookie, csrf: 'csrf_wrong' }),
      body: { name: 'csrf victim', prompt: 'p' },
    });
    refused(wrong, 403, 'forbidden');
    const agents = await request('GET', '/v1/agents?limit=100', { key: owner.key });
    expect(agents.body.data.map((a: { name: string }) => a.name)).not.toContain('csrf victim');
  });

  it("another account's objects are 404 through a session", async () => {
    const s = await signIn(owner.key);
    refused(await request('GET', `/v1/calls/${otherCallId}`, { headers: withSession(s) }), 404, 'not_found');
    refused(
      await request('POST', `/v1/calls/${otherCallId}/end`, { headers: withSession(s), body: {} }),
      404,
      'not_found',
    );
  });

  it('applies the same validation as a key: bad input is the error envelope with param', async () => {
    const s = await signIn(owner.key);
    const res = await request('POST', '/v1/call', {
      headers: withSession(s),
      body: { agent_id: owner.agentId, recipient_phone: '555' },
    });
    refused(res, 400, 'invalid_request');
    expect(res.body.error.param).toBe('recipient_phone');
  });
});

describe('sign-out and revocation end the session', () => {
  it('a sign-out form post without the CSRF token is refused and the session lives on', async () => {
    const s = await signIn(owner.key);
    const res = await request('POST', '/dashboard/sign_out', {
      raw: new URLSearchParams({}),
      headers: withSession(
        { cookie: s.cookie },
        { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
      ),
    });
    expect(res.status).toBe(403);
    expect((await request('GET', '/v1/account', { headers: withSession(s) })).status).toBe(200);
  });

  it('after sign-out the same cookie is refused everywhere', async () => {
    const s = await signIn(owner.key);
    const out = await request('POST', '/dashboard/sign_out', {
      raw: new URLSearchParams({ _csrf: s.csrf }),
      headers: withSession(
        { cookie: s.cookie },
        { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
      ),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('Set-Cookie')).toMatch(/cp_session=;.*Max-Age=0/);
    refused(await request('GET', '/v1/account', { headers: withSession(s) }), 401, 'unauthorized');
    expect((await request('GET', '/dashboard', { headers: withSession(s) })).status).toBe(302);
  });

  it('revoking the API key a session was made from ends that session', async () => {
    const made = await request('POST', '/v1/api_keys', { key: owner.key, body: { name: 'dash' } });
    const s = await signIn(made.body.key);
    expect((await request('GET', '/v1/account', { headers: withSession(s) })).status).toBe(200);
    await request('DELETE', `/v1/api_keys/${made.body.id}`, { key: owner.key });
    refused(await request('GET', '/v1/account', { headers: withSession(s) }), 401, 'unauthorized');
  });
});

describe('GET /v1/calls/live (the Live page stream)', () => {
  it("streams this account's live calls with the events they fired, and never another account's", async () => {
    const mine = await request('POST', '/v1/call', {
      key: owner.key,
      body: {
        agent_id: owner.agentId,
        recipient_phone: '+14155550177',
        metadata: { simulate: { talk_seconds: 600 } },
      },
    });
    const res = await exports.default.fetch(
      new Request(`${BASE}/v1/calls/live`, { headers: { Authorization: `Bearer ${owner.key}` } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    expect(text).toMatch(/^event: snapshot\n/);
    const snap = JSON.parse(/data: (.*)/.exec(text)![1]);
    const ids = snap.data.map((c: { id: string }) => c.id);
    expect(ids).toContain(mine.body.call_id);
    expect(ids).not.toContain(otherCallId);
    await request('POST', `/v1/calls/${mine.body.call_id}/end`, { key: owner.key, body: {} });
  });

  it('refuses the stream without credentials', async () => {
    refused(await request('GET', '/v1/calls/live'), 401, 'unauthorized');
  });
});

describe('/docs and / ', () => {
  it('/docs loads the self-hosted Scalar bundle, not a CDN', async () => {
    const res = await request('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('/assets/scalar/standalone.js');
    expect(res.text).not.toMatch(/cdn\.jsdelivr|unpkg|fonts\.scalar/);
  });
  it('/ redirects to the dashboard', async () => {
    const res = await request('GET', '/');
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/dashboard');
  });
});
