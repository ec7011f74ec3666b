// Restricted keys: scopes enforced on every operation, named in the OpenAPI document; audit log reads.
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, createRoomyAccount, expectEnvelope, request, type TestAccount } from '../helpers/harness';
import { requiredScope } from '../../src/lib/scopes';

let a: TestAccount;
const keyWith = async (scopes: string[]) =>
  (await request('POST', '/v1/api_keys', { key: a.key, body: { scopes } })).body.key as string;

beforeAll(async () => {
  a = await createRoomyAccount();
});

describe('restricted keys', () => {
  it('calls:read reads calls but cannot place one (403 naming the scope)', async () => {
    const key = await keyWith(['calls:read']);
    expect((await request('GET', '/v1/calls', { key })).status).toBe(200);
    const r = await request('POST', '/v1/call', {
      key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550111' },
    });
    expect(r.status).toBe(403);
    expect(expectEnvelope(r).message).toContain('calls:write');
    expect((await request('GET', '/v1/agents', { key })).status).toBe(403);
  });

  it('calls:write places calls (CallAI route too) and implies calls:read', async () => {
    const key = await keyWith(['calls:write']);
    const r = await request('POST', '/api/v1/calls/initiate', {
      key,
      body: { agent_id: a.agentId, to_number: '+14155550112' },
    });
    expect(r.status).toBeLessThan(300);
    expect((await request('GET', '/v1/calls', { key })).status).toBe(200);
  });

  it('*:read reads everything and writes nothing', async () => {
    const key = await keyWith(['*:read']);
    for (const p of ['/v1/agents', '/v1/calls', '/v1/webhook_endpoints', '/v1/api_keys', '/v1/audit_events'])
      expect((await request('GET', p, { key })).status, p).toBe(200);
    const w = await request('POST', '/v1/webhook_endpoints', {
      key,
      body: { url: 'https://example.com/hook' },
    });
    expect(w.status).toBe(403);
    expect((await request('POST', '/v1/api_keys', { key, body: {} })).status).toBe(403);
  });

  it('reporting:read may ask the reporting AI (a POST that reads) and nothing else', async () => {
    const key = await keyWith(['reporting:read']);
    const q = await request('POST', '/reporting_ai/query', { key, body: { query: 'How many calls today?' } });
    expect(q.status).toBe(200);
    expect((await request('GET', '/v1/calls', { key })).status).toBe(403);
  });

  it('a restricted key cannot mint a broader key', async () => {
    const key = await keyWith(['webhooks:write']);
    expect((await request('POST', '/v1/api_keys', { key, body: {} })).status).toBe(403);
  });

  it('a dashboard session signed in with a restricted key keeps its scopes', async () => {
    const key = await keyWith(['calls:read']);
    const res = await request('POST', '/dashboard/sign_in', {
      raw: new URLSearchParams({ api_key: key }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: BASE },
    });
    const cookie = /cp_session=([^;]+)/.exec(res.headers.get('Set-Cookie') ?? '')?.[1] ?? '';
    const page = await request('GET', '/dashboard', { headers: { Cookie: `cp_session=${cookie}` } });
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const headers = { Cookie: `cp_session=${cookie}`, 'X-CSRF-Token': csrf };
    expect((await request('GET', '/v1/calls', { headers })).status).toBe(200);
    expect((await request('POST', '/v1/api_keys', { headers, body: {} })).status).toBe(403);
  });

  it('unknown scopes are refused at creation with param', async () => {
    const r = await request('POST', '/v1/api_keys', { key: a.key, body: { scopes: ['calls:delete'] } });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).param).toBe('scopes[0]');
  });
});

describe('the OpenAPI document', () => {
  it('names the required scope of every account operation, as enforced', async () => {
    const doc = (await request('GET', '/openapi.json')).body;
    let n = 0;
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      if (!/^\/(v1|api\/v1|reporting_ai)\//.test(path)) continue;
      for (const [method, op] of Object.entries<any>(item)) {
        const expected = requiredScope(method, path.replace(/\{[^}]+\}/g, 'x'));
        expect(expected, `${method} ${path} is missing from the scope table`).not.toBe('*');
        expect(op['x-required-scopes'], `${method} ${path}`).toEqual([expected]);
        expect(op.security).toEqual([{ bearer: [expected] }]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(40);
  });
});

describe('audit log', () => {
  it('records who created and revoked keys, with the request id; pages by cursor', async () => {
    const made = await request('POST', '/v1/api_keys', { key: a.key, body: { name: 'audited' } });
    const gone = await request('DELETE', `/v1/api_keys/${made.body.id}`, { key: a.key });
    const page = await request('GET', `/v1/audit_events?resource_id=${made.body.id}`, { key: a.key });
    expect(page.body.data.map((e: any) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
    const [revoked, created] = page.body.data;
    expect(created.actor.type).toBe('api_key');
    expect(created.actor.id).toMatch(/^key_/);
    expect(created.request_id).toBe(made.headers.get('X-Request-Id'));
    expect(revoked.request_id).toBe(gone.headers.get('X-Request-Id'));
    const next = await request('GET', `/v1/audit_events?limit=1&starting_after=${revoked.id}`, {
      key: a.key,
    });
    expect(next.body.data.map((e: any) => e.id)).toEqual([created.id]);
    const bad = await request('GET', '/v1/audit_events?starting_after=aud_nope', { key: a.key });
    expect(expectEnvelope(bad).param).toBe('starting_after');
  });

  it('records agents, numbers, webhook endpoints, RTB routes and credentials, field names only', async () => {
    const b = await createRoomyAccount();
    const k = { key: b.key };
    const agent = await request('POST', '/v1/agents', {
      ...k,
      body: { name: 'Audited', prompt: 'secret-ish' },
    });
    await request('PATCH', `/v1/agents/${agent.body.id}`, { ...k, body: { voice_id: 'v9' } });
    await request('DELETE', `/v1/agents/${agent.body.id}`, k);
    const hook = await request('POST', '/v1/webhook_endpoints', {
      ...k,
      body: { url: 'https://example.com/a' },
    });
    await request('POST', `/v1/webhook_endpoints/${hook.body.id}/rotate_secret`, k);
    await request('POST', `/v1/webhook_endpoints/${hook.body.id}/test`, k);
    const ep = await request('POST', '/v1/rtb_endpoints', { ...k, body: { name: 'Pub' } });
    const route = await request('POST', `/v1/rtb_endpoints/${ep.body.id}/routes`, {
      ...k,
      body: { buyer: 'Acme', number: '+15559876543', payout: 10 },
    });
    await request('POST', '/v1/account/credentials/webhook_auth_key/rotate', k);
    await request('POST', '/v1/agents', { ...k, body: { name: '' } }); // refused: not audited
    const log = (await request('GET', '/v1/audit_events?limit=100', k)).body.data.reverse();
    const seen = log.map((e: any) => `${e.action} ${e.resource_id}`);
    expect(seen).toEqual([
      `agent.created ${b.agentId}`,
      `phone_number.created ${b.numberId}`,
      `agent.created ${agent.body.id}`,
      `agent.updated ${agent.body.id}`,
      `agent.deleted ${agent.body.id}`,
      `webhook_endpoint.created ${hook.body.id}`,
      `webhook_endpoint.rotated ${hook.body.id}`,
      `rtb_endpoint.created ${ep.body.id}`,
      `rtb_route.created ${route.body.id}`,
      'account_credential.rotated webhook_auth_key',
    ]);
    expect(log[3].data).toEqual({ fields: ['voice_id'] });
    expect(JSON.stringify(log)).not.toContain('secret-ish');
    expect(JSON.stringify(log)).not.toContain(hook.body.secret);
  });

  it('another account sees none of it', async () => {
    const b = await createRoomyAccount();
    const page = await request('GET', '/v1/audit_events?limit=100', { key: b.key });
    expect(page.body.data.every((e: any) => !JSON.stringify(e).includes(a.id))).toBe(true);
  });
});
