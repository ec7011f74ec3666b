import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount, expectEnvelope, request, uniqueNumber, type TestAccount } from '../helpers/harness';

let a: TestAccount;
beforeAll(async () => {
  a = await createAccount('growth');
});

describe('agents', () => {
  it('create, read, patch (Movoice seed), list and delete', async () => {
    const made = await request('POST', '/v1/agents', {
      key: a.key,
      body: {
        name: 'Sales',
        prompt: 'Sell',
        language: 'hi-IN',
        max_duration: 600,
        analysis_schema: [{ name: 'interested', type: 'boolean', description: 'Did they want a demo?' }],
      },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: expect.stringMatching(/^agent_/),
      status: 'active',
      language: 'hi-IN',
      max_duration: 600,
    });

    const patched = await request('PATCH', `/v1/agents/${made.body.id}`, {
      key: a.key,
      body: { prompt: 'Updated system prompt...', voice_id: 'sarvam_hindi_female_01' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      prompt: 'Updated system prompt...',
      voice_id: 'sarvam_hindi_female_01',
      name: 'Sales',
    });
    expect((await request('GET', `/v1/agents/${made.body.id}`, { key: a.key })).body.voice_id).toBe(
      'sarvam_hindi_female_01',
    );

    const list = await request('GET', '/v1/agents?limit=1&include_total=true', { key: a.key });
    expect(list.body).toMatchObject({ object: 'list', total: 2, has_more: true, limit: 1 });
    expect(list.body.data[0].id).toBe(made.body.id);
    expect(
      (await request('GET', '/v1/agents?status=inactive&include_total=true', { key: a.key })).body.total,
    ).toBe(0);

    expect((await request('DELETE', `/v1/agents/${made.body.id}`, { key: a.key })).body).toEqual({
      id: made.body.id,
      object: 'agent',
      deleted: true,
    });
    expect((await request('GET', '/v1/agents?include_total=true', { key: a.key })).body.total).toBe(1);
    expect(
      (await request('PATCH', `/v1/agents/${made.body.id}`, { key: a.key, body: { name: 'x' } })).status,
    ).toBe(404);
  });

  it('validates fields', async () => {
    const cases: Array<[unknown, string]> = [
      [{ prompt: 'p' }, 'name'],
      [{ name: 'n' }, 'prompt'],
      [{ name: 'n', prompt: 'p', language: 'english!' }, 'language'],
      [{ name: 'n', prompt: 'p', status: 'on' }, 'status'],
      [{ name: 'n', prompt: 'p', max_duration: 5 }, 'max_duration'],
      [{ name: '  ', prompt: 'p' }, 'name'],
      [[1, 2], ''],
    ];
    for (const [body, param] of cases) {
      const r = await request('POST', '/v1/agents', { key: a.key, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(expectEnvelope(r).param ?? '').toBe(param);
    }
  });
});

describe('phone numbers', () => {
  it('are unique across accounts', async () => {
    const other = await createAccount('growth');
    const r = await request('POST', '/v1/phone_numbers', { key: other.key, body: { number: a.number } });
    expect(r.status).toBe(409);
    expect(expectEnvelope(r).param).toBe('number');
  });

  it('CRUD with an agent of the same account only', async () => {
    const other = await createAccount('growth');
    const number = uniqueNumber('+1646');
    const bad = await request('POST', '/v1/phone_numbers', {
      key: a.key,
      body: { number, agent_id: other.agentId },
    });
    expect(bad.status).toBe(404);
    expect(expectEnvelope(bad).param).toBe('agent_id');

    const made = await request('POST', '/v1/phone_numbers', {
      key: a.key,
      body: { number, provider: 'twilio' },
    });
    expect(made.body).toMatchObject({ number, provider: 'twilio', agent_id: null });
    const patched = await request('PATCH', `/v1/phone_numbers/${made.body.id}`, {
      key: a.key,
      body: { agent_id: a.agentId },
    });
    expect(patched.body.agent_id).toBe(a.agentId);
    expect((await request('GET', '/v1/phone_numbers?include_total=true', { key: a.key })).body.total).toBe(2);
    expect((await request('DELETE', `/v1/phone_numbers/${made.body.id}`, { key: a.key })).status).toBe(200);
    expect((await request('GET', `/v1/phone_numbers/${made.body.id}`, { key: a.key })).status).toBe(404);
    // Released numbers can be registered again.
    expect((await request('POST', '/v1/phone_numbers', { key: other.key, body: { number } })).status).toBe(
      201,
    );
  });
});
