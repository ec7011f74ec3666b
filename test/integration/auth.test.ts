// Every protected route: no key → 401, wrong key → 401, another account's ids → 404, own key → success.
import { beforeAll, describe, expect, it } from 'vitest';
import { importPKCS8, SignJWT } from 'jose';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  ADMIN_TOKEN,
  type TestAccount,
} from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

let owner: TestAccount, other: TestAccount, callId: string, keyId: string;

beforeAll(async () => {
  owner = await createRoomyAccount();
  other = await createAccount('growth');
  const call = await request('POST', '/v1/call', {
    key: owner.key,
    body: { agent_id: owner.agentId, recipient_phone: '+14155550101' },
  });
  callId = call.body.call_id;
  keyId = (await request('GET', '/v1/api_keys', { key: owner.key })).body.data[0].id;
});

interface RouteCase {
  method: string;
  path: () => string;
  body?: () => unknown;
  ok: number;
  ownsId: boolean;
}
const routes: RouteCase[] = [
  { method: 'GET', path: () => '/v1/account', ok: 200, ownsId: false },
  { method: 'GET', path: () => '/v1/agents', ok: 200, ownsId: false },
  {
    method: 'POST',
    path: () => '/v1/agents',
    body: () => ({ name: 'a', prompt: 'p' }),
    ok: 201,
    ownsId: false,
  },
  { method: 'GET', path: () => `/v1/agents/${owner.agentId}`, ok: 200, ownsId: true },
  {
    method: 'PATCH',
    path: () => `/v1/agents/${owner.agentId}`,
    body: () => ({ voice_id: 'v2' }),
    ok: 200,
    ownsId: true,
  },
  { method: 'GET', path: () => '/v1/phone_numbers', ok: 200, ownsId: false },
  { method: 'GET', path: () => `/v1/phone_numbers/${owner.numberId}`, ok: 200, ownsId: true },
  {
    method: 'PATCH',
    path: () => `/v1/phone_numbers/${owner.numberId}`,
    body: () => ({ name: 'main line' }),
    ok: 200,
    ownsId: true,
  },
  { method: 'GET', path: () => '/v1/calls', ok: 200, ownsId: false },
  { method: 'GET', path: () => `/v1/calls/${callId}`, ok: 200, ownsId: true },
  {
    method: 'POST',
    path: () => '/v1/call',
    body: () => ({ agent_id: owner.agentId, recipient_phone: '+14155550102' }),
    ok: 201,
    ownsId: true,
  },
  {
    method: 'POST',
    path: () => '/v1/calls',
    body: () => ({ agent_id: owner.agentId, recipient_phone: '+14155550103' }),
    ok: 201,
    ownsId: true,
  },
  {
    method: 'POST',
    path: () => '/api/v1/calls/initiate',
    body: () => ({ agent_id: owner.agentId, to_number: '+14155550104' }),
    ok: 200,
    ownsId: true,
  },
  { method: 'GET', path: () => '/v1/api_keys', ok: 200, ownsId: false },
  { method: 'GET', path: () => '/v1/batches', ok: 200, ownsId: false },
  { method: 'GET', path: () => '/v1/messages', ok: 200, ownsId: false },
  { method: 'GET', path: () => '/v1/events', ok: 200, ownsId: false },
  { method: 'GET', path: () => '/v1/webhook_endpoints', ok: 200, ownsId: false },
  { method: 'GET', path: () => '/v1/rtb_endpoints', ok: 200, ownsId: false },
  { method: 'GET', path: () => '/reporting_ai/sessions', ok: 200, ownsId: false },
  {
    method: 'POST',
    path: () => `/v1/calls/${callId}/convert`,
    body: () => ({ payout: 1 }),
    ok: 200,
    ownsId: true,
  },
  {
    method: 'POST',
    path: () => `/v1/api_keys/${keyId}/roll`,
    body: () => ({ overlap_seconds: 3600 }),
    ok: 201,
    ownsId: true,
  },
];

describe.each(routes)('$method $path', (route) => {
  const send = (key?: string) => request(route.method, route.path(), { key, body: route.body?.() });

  it('refuses a missing key with 401', async () => {
    const r = await send();
    expect(r.status).toBe(401);
    expect(expectEnvelope(r).code).toBe('unauthorized');
  });

  it('refuses a wrong key with 401', async () => {
    for (const bad of [
      'sk_test_' + 'a'.repeat(32),
      'nonsense',
      owner.key.slice(0, -1) + (owner.key.endsWith('a') ? 'b' : 'a'),
    ]) {
      const r = await send(bad);
      expect(r.status).toBe(401);
      expectEnvelope(r);
    }
  });

  it(
    route.ownsId ? "answers 404 to another account's key" : 'shows another account only its own data',
    async () => {
      const r = await send(other.key);
      if (route.ownsId) {
        expect(r.status).toBe(404);
        expect(expectEnvelope(r).code).toBe('not_found');
      } else {
        expect(r.status).toBe(route.ok);
        expect(JSON.stringify(r.body)).not.toContain(owner.id);
        expect(JSON.stringify(r.body)).not.toContain(owner.agentId);
      }
    },
  );

  it('serves its owner', async () => {
    const r = await send(owner.key);
    expect(r.status, r.text).toBe(route.ok);
  });
});

describe('operator surface', () => {
  it('needs the admin token', async () => {
    expect((await request('POST', '/admin/accounts', { body: { name: 'x', plan: 'growth' } })).status).toBe(
      401,
    );
    expect(
      (await request('POST', '/admin/accounts', { key: owner.key, body: { name: 'x', plan: 'growth' } }))
        .status,
    ).toBe(401);
    const ok = await request('POST', '/admin/accounts', {
      key: ADMIN_TOKEN,
      body: { name: 'x', plan: 'growth' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.api_key).toMatch(/^sk_test_[0-9a-z]{32}$/);
    expect(ok.body.webhook_auth_key).toMatch(/^whk_/);
    expect(ok.body.ingest_public_key).toMatch(/^pk_/);
    expect(ok.body.ingest_private_key).toMatch(/^pvk_/);
    expect(ok.body.account).toMatchObject({
      id: expect.stringMatching(/^acct_/),
      name: 'x',
      plan: 'growth',
      timezone: 'UTC',
    });
  });
});

describe('API keys', () => {
  it('are stored only as SHA-256 hashes', async () => {
    const rows = await shardsDb.prepare('SELECT * FROM api_keys WHERE account_id = ?').bind(owner.id).all();
    expect(rows.results.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows.results);
    expect(dump).not.toContain(owner.key);
    expect(dump).not.toContain(owner.key.slice(8));
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(owner.key));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(rows.results.map((r) => r.key_hash)).toContain(hex);
    const accounts = JSON.stringify(
      (await shardsDb.prepare('SELECT * FROM accounts WHERE id = ?').bind(owner.id).all()).results,
    );
    expect(accounts).not.toContain(owner.webhookAuthKey);
    expect(accounts).not.toContain(owner.ingestPrivateKey);
  });

  it('list shows prefix and last 4, never the key', async () => {
    const r = await request('GET', '/v1/api_keys', { key: owner.key });
    expect(r.text).not.toContain(owner.key);
    expect(r.body.data.some((k: any) => k.last4 === owner.key.slice(-4) && k.prefix === 'sk_test_')).toBe(
      true,
    );
  });

  it('create, revoke and roll', async () => {
    const acct = await createAccount('starter');
    const made = await request('POST', '/v1/api_keys', { key: acct.key, body: { name: 'ci' } });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^sk_test_/);
    expect((await request('GET', '/v1/agents', { key: made.body.key })).status).toBe(200);

    const revoked = await request('DELETE', `/v1/api_keys/${made.body.id}`, { key: acct.key });
    expect(revoked.body.status).toBe('revoked');
    expect((await request('GET', '/v1/agents', { key: made.body.key })).status).toBe(401);

    const first = (await request('GET', '/v1/api_keys', { key: acct.key })).body.data.find(
      (k: any) => k.last4 === acct.key.slice(-4),
    );
    const rolled = await request('POST', `/v1/api_keys/${first.id}/roll`, {
      key: acct.key,
      body: { overlap_seconds: 0 },
    });
    expect(rolled.status).toBe(201);
    expect((await request('GET', '/v1/agents', { key: acct.key })).status).toBe(401);
    expect((await request('GET', '/v1/agents', { key: rolled.body.key })).status).toBe(200);

    const overlapping = await request('POST', `/v1/api_keys/${rolled.body.id}/roll`, {
      key: rolled.body.key,
      body: {},
    });
    expect(overlapping.body.replaces.expires_at).toBeGreaterThan(Date.now() / 1000 + 86000);
    expect((await request('GET', '/v1/agents', { key: rolled.body.key })).status).toBe(200);
    expect((await request('GET', '/v1/agents', { key: overlapping.body.key })).status).toBe(200);
  });
});

describe('Clerk session tokens', () => {
  const ISS = 'https://clerk.test.callplane.dev';
  const AZP = 'https://app.callplane.dev';
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await createAccount('growth');
    const link = await request('POST', `/admin/accounts/${acct.id}/clerk_links`, {
      key: ADMIN_TOKEN,
      body: { subject: 'org_linked' },
    });
    expect(link.status).toBe(201);
  });

  async function token(
    claims: Record<string, unknown>,
    opts: { iss?: string; exp?: number | string; alg?: string } = {},
  ) {
    const key = await importPKCS8(env.TEST_CLERK_PRIVATE_KEY, 'RS256');
    const jwt = new SignJWT({ azp: AZP, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test' })
      .setIssuer(opts.iss ?? ISS)
      .setSubject('user_1')
      .setIssuedAt();
    jwt.setExpirationTime(opts.exp ?? '5m');
    return jwt.sign(key);
  }
  const b64 = (o: unknown) =>
    btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

  it('a valid token for a linked org reaches that account', async () => {
    const r = await request('GET', '/v1/account', { key: await token({ org_id: 'org_linked' }) });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(acct.id);
    const agent = await request('GET', `/v1/agents/${acct.agentId}`, {
      key: await token({ org_id: 'org_linked' }),
    });
    expect(agent.status).toBe(200);
  });

  it.each([
    ['wrong issuer', () => token({ org_id: 'org_linked' }, { iss: 'https://evil.example' })],
    ['expired', () => token({ org_id: 'org_linked' }, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['unlinked org', () => token({ org_id: 'org_unknown' })],
    ['wrong authorized party', () => token({ org_id: 'org_linked', azp: 'https://evil.example' })],
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'user_1', org_id: 'org_linked', iss: ISS, azp: AZP, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
    ],
    [
      'HS256 signed with the public key',
      async () => {
        const secret = new TextEncoder().encode(env.TEST_CLERK_PUBLIC_KEY);
        const header = b64({ alg: 'HS256', typ: 'JWT' });
        const payload = b64({
          sub: 'user_1',
          org_id: 'org_linked',
          iss: ISS,
          azp: AZP,
          exp: Math.floor(Date.now() / 1000) + 300,
        });
        const k = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
          'sign',
        ]);
        const sig = new Uint8Array(
          await crypto.subtle.sign('HMAC', k, new TextEncoder().encode(`${header}.${payload}`)),
        );
        return `${header}.${payload}.${btoa(String.fromCharCode(...sig))
          .replace(/=+$/, '')
          .replace(/\+/g, '-')
          .replace(/\//g, '_')}`;
      },
    ],
    [
      'tampered payload',
      async () => {
        const [h, , s] = (await token({ org_id: 'org_linked' })).split('.');
        return `${h}.${b64({ sub: 'user_1', org_id: 'org_linked', iss: ISS, azp: AZP, exp: 9999999999 })}.${s}`;
      },
    ],
  ])('%s → 401', async (_name, make) => {
    const r = await request('GET', '/v1/account', { key: await make() });
    expect(r.status).toBe(401);
    expect(expectEnvelope(r).code).toBe('unauthorized');
  });

  it('the sub claim links when there is no org', async () => {
    await request('POST', `/admin/accounts/${acct.id}/clerk_links`, {
      key: ADMIN_TOKEN,
      body: { subject: 'user_solo' },
    });
    const key = await importPKCS8(env.TEST_CLERK_PRIVATE_KEY, 'RS256');
    const jwt = await new SignJWT({ azp: AZP })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(ISS)
      .setSubject('user_solo')
      .setExpirationTime('5m')
      .sign(key);
    expect((await request('GET', '/v1/account', { key: jwt })).status).toBe(200);
  });

  it('CallAI routes take API keys only', async () => {
    const r = await request('POST', '/api/v1/calls/initiate', {
      key: await token({ org_id: 'org_linked' }),
      body: { agent_id: acct.agentId, to_number: '+14155550100' },
    });
    expect(r.status).toBe(401);
  });
});
