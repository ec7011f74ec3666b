import { describe, expect, it, beforeAll } from 'vitest';
import { createAccount, expectEnvelope, request, type TestAccount } from '../helpers/harness';

let a: TestAccount;
beforeAll(async () => {
  a = await createAccount('growth');
});

describe('operations', () => {
  it('healthz answers without auth and carries a request id', async () => {
    const r = await request('GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
    expect(r.headers.get('X-Request-Id')).toMatch(/^req_/);
  });

  it('openapi.json is generated from the route schemas', async () => {
    const r = await request('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/call',
        '/v1/calls',
        '/v1/calls/{id}',
        '/v1/agents/{id}',
        '/api/v1/calls/initiate',
        '/admin/accounts',
      ]),
    );
    const create = r.body.paths['/v1/call'].post.requestBody.content['application/json'].schema;
    const ref = create.$ref ? r.body.components.schemas[create.$ref.split('/').pop()] : create;
    expect(ref.required).toEqual(expect.arrayContaining(['agent_id', 'recipient_phone']));
  });

  it('docs serve an interactive reference', async () => {
    const r = await request('GET', '/docs');
    expect(r.status).toBe(200);
    expect(r.text).toContain('/openapi.json');
  });

  it('unknown routes are 404 in the envelope', async () => {
    const r = await request('GET', '/nope');
    expect(r.status).toBe(404);
    expect(expectEnvelope(r).code).toBe('not_found');
  });
});

describe('errors', () => {
  it('malformed JSON is 400', async () => {
    const r = await request('POST', '/v1/agents', {
      key: a.key,
      raw: '{"name": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).code).toBe('invalid_request');
  });

  it('a non-JSON content type is 400', async () => {
    const r = await request('POST', '/v1/agents', {
      key: a.key,
      raw: 'name=x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(r.status).toBe(400);
    expect(expectEnvelope(r).message).toMatch(/Content-Type/);
  });

  it('a body over 1 MiB is 413', async () => {
    const big = JSON.stringify({ name: 'x', prompt: 'y'.repeat(1024 * 1024 + 10) });
    const r = await request('POST', '/v1/agents', {
      key: a.key,
      raw: big,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(413);
    expect(expectEnvelope(r).code).toBe('payload_too_large');
  });

  it('validation failures name the param', async () => {
    const r = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '09876543210' },
    });
    expect(r.status).toBe(400);
    const e = expectEnvelope(r);
    expect(e.param).toBe('recipient_phone');
    expect(e.message).toBe('recipient_phone must be in E.164 format');
  });

  it('missing fields and unknown fields name the param', async () => {
    const missing = await request('POST', '/v1/call', {
      key: a.key,
      body: { recipient_phone: '+14155550100' },
    });
    expect(expectEnvelope(missing).param).toBe('agent_id');
    const unknown = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+14155550100', max_duraton: 5 },
    });
    expect(unknown.status).toBe(400);
    expect(expectEnvelope(unknown).param).toBe('max_duraton');
    const nested = await request('POST', '/v1/agents', {
      key: a.key,
      body: {
        name: 'x',
        prompt: 'y',
        analysis_schema: [
          { name: 'ok', type: 'string' },
          { name: '1bad', type: 'string' },
        ],
      },
    });
    expect(expectEnvelope(nested).param).toBe('analysis_schema[1].name');
  });
});
