// Agent versions: every change to what an agent says is a new immutable version; calls record theirs; a
// batch keeps the version it was created with, whatever edits follow; restore makes an old one current.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BatchDispatcher } from '../../src/durable-objects/batch-dispatcher';
import {
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  type TestAccount,
  uniqueNumber,
} from '../helpers/harness';
import { waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

const dispatcher = (id: string) => env.BATCH_DISPATCHER.get(env.BATCH_DISPATCHER.idFromName(id));

/** What the provider (the simulator) was handed for each dial of these calls. */
async function dialled(callIds: string[]) {
  const out = new Map<string, { version: number; prompt: string; first_message: string | null }>();
  for (const id of callIds) {
    const row = await shardsDb
      .prepare('SELECT agent FROM simulator_dials WHERE call_id = ?')
      .bind(id)
      .first<{ agent: string | null }>();
    if (row?.agent) out.set(id, JSON.parse(row.agent));
  }
  return out;
}

const newAgent = async (a: TestAccount) =>
  (
    await request('POST', '/v1/agents', {
      key: a.key,
      body: { name: 'Versioned', prompt: 'Prompt one.', first_message: 'Hello one.' },
    })
  ).body;

describe('agent versions', () => {
  let a: TestAccount;
  let b: TestAccount;
  beforeAll(async () => {
    a = await createRoomyAccount();
    b = await createRoomyAccount();
  });

  it('version 1 from creation; content changes add versions, other changes do not; versions are immutable', async () => {
    const agent = await newAgent(a);
    expect(agent.version).toBe(1);
    const renamed = await request('PATCH', `/v1/agents/${agent.id}`, {
      key: a.key,
      body: { name: 'Renamed' },
    });
    expect(renamed.body.version).toBe(1);
    const same = await request('PATCH', `/v1/agents/${agent.id}`, {
      key: a.key,
      body: { prompt: 'Prompt one.' },
    });
    expect(same.body.version).toBe(1);
    const v2 = await request('PATCH', `/v1/agents/${agent.id}`, {
      key: a.key,
      body: { prompt: 'Prompt two.' },
    });
    expect(v2.body).toMatchObject({ version: 2, prompt: 'Prompt two.' });
    const v3 = await request('PATCH', `/v1/agents/${agent.id}`, { key: a.key, body: { voice_id: 'nova' } });
    expect(v3.body.version).toBe(3);

    const list = await request('GET', `/v1/agents/${agent.id}/versions`, { key: a.key });
    expect(list.body.data.map((v: any) => v.version)).toEqual([3, 2, 1]);
    const one = await request('GET', `/v1/agents/${agent.id}/versions/1`, { key: a.key });
    expect(one.body).toMatchObject({
      version: 1,
      prompt: 'Prompt one.',
      first_message: 'Hello one.',
      voice_id: null,
    });
    const missing = await request('GET', `/v1/agents/${agent.id}/versions/9`, { key: a.key });
    expect(missing.status).toBe(404);
    expect(expectEnvelope(missing).param).toBe('version');
    const bad = await request('GET', `/v1/agents/${agent.id}/versions/zero`, { key: a.key });
    expect(bad.status).toBe(400);
  });

  it('tenancy: another account cannot read or restore the versions', async () => {
    const agent = await newAgent(a);
    for (const [m, p] of [
      ['GET', `/v1/agents/${agent.id}/versions`],
      ['GET', `/v1/agents/${agent.id}/versions/1`],
      ['POST', `/v1/agents/${agent.id}/versions/1/restore`],
    ] as const) {
      const r = await request(m, p, { key: b.key });
      expect(r.status, `${m} ${p}`).toBe(404);
    }
    expect((await request('GET', `/v1/agents/${agent.id}`, { key: a.key })).body.version).toBe(1);
  });

  it('a single call records its version and may pin an older one; the provider receives that version', async () => {
    const agent = await newAgent(a);
    await request('PATCH', `/v1/agents/${agent.id}`, { key: a.key, body: { prompt: 'Prompt two.' } });
    const quick = { simulate: { ring_seconds: 0, talk_seconds: 1 } };
    const current = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: agent.id, recipient_phone: uniqueNumber('+1646'), metadata: quick },
    });
    const pinned = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: agent.id, recipient_phone: uniqueNumber('+1646'), agent_version: 1, metadata: quick },
    });
    expect(pinned.status, pinned.text).toBe(201);
    const unknown = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: agent.id, recipient_phone: uniqueNumber('+1646'), agent_version: 7 },
    });
    expect(unknown.status).toBe(404);
    expect(expectEnvelope(unknown).param).toBe('agent_version');

    const ids = [current.body.call_id, pinned.body.call_id];
    await waitFor(async () => (await dialled(ids)).size === 2, { timeout: 20_000, what: 'both dials' });
    const seen = await dialled(ids);
    expect(seen.get(current.body.call_id)).toMatchObject({ version: 2, prompt: 'Prompt two.' });
    expect(seen.get(pinned.body.call_id)).toMatchObject({ version: 1, prompt: 'Prompt one.' });
    const call = await request('GET', `/v1/calls/${pinned.body.call_id}`, { key: a.key });
    expect(call.body.agent_version).toBe(1);
    await waitFor(
      async () =>
        (await request('GET', `/v1/calls/${pinned.body.call_id}`, { key: a.key })).body.status ===
        'completed',
      { timeout: 20_000 },
    );
    const done = (await request('GET', `/v1/calls/${pinned.body.call_id}`, { key: a.key })).body;
    expect(done.transcript[0].text).toBe('Hello one.'); // the pinned first message, not the current one
  });

  it('editing the agent during a running batch leaves every call of the batch on its version', async () => {
    const agent = await newAgent(a);
    const start = Math.floor(Date.now() / 1000) + 3600;
    const recipients = Array.from({ length: 30 }, () => ({ phone: uniqueNumber('+1647') }));
    const batch = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: {
        agent_id: agent.id,
        recipients,
        schedule_at: start,
        metadata: { simulate: { ring_seconds: 0, talk_seconds: 1 } },
      },
    });
    expect(batch.status, batch.text).toBe(201);
    const id = batch.body.batch_id;
    // Edited after the batch was created, before it dials.
    await request('PATCH', `/v1/agents/${agent.id}`, {
      key: a.key,
      body: { prompt: 'Prompt two.', first_message: 'Hello two.' },
    });
    const clock = { now: start * 1000 };
    await runInDurableObject(dispatcher(id), (inst: BatchDispatcher) => {
      inst.clock = () => clock.now;
    });
    await runDurableObjectAlarm(dispatcher(id)); // the first 25 recipients
    // And edited again mid-run, between the two halves.
    await request('PATCH', `/v1/agents/${agent.id}`, { key: a.key, body: { prompt: 'Prompt three.' } });
    await waitFor(
      async () => {
        await runDurableObjectAlarm(dispatcher(id));
        const rows = await shardsDb.prepare('SELECT id FROM calls WHERE batch_id = ?').bind(id).all();
        return rows.results.length === 30;
      },
      { timeout: 30_000, what: 'all 30 calls placed' },
    );
    const rows = await shardsDb
      .prepare('SELECT id, agent_version FROM calls WHERE batch_id = ?')
      .bind(id)
      .all<{ id: string; agent_version: number }>();
    expect(new Set(rows.results.map((r) => r.agent_version))).toEqual(new Set([1]));
    const ids = rows.results.map((r) => r.id);
    await waitFor(async () => (await dialled(ids)).size === 30, { timeout: 30_000, what: 'all 30 dials' });
    for (const seen of (await dialled(ids)).values())
      expect(seen).toMatchObject({ version: 1, prompt: 'Prompt one.', first_message: 'Hello one.' });
    expect((await request('GET', `/v1/batches/${id}`, { key: a.key })).body.agent_version).toBe(1);

    // A batch may pin a version explicitly, even an old one.
    const pinned = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: {
        agent_id: agent.id,
        recipients: [{ phone: uniqueNumber('+1647') }],
        agent_version: 2,
        schedule_at: start,
      },
    });
    expect(
      (await request('GET', `/v1/batches/${pinned.body.batch_id}`, { key: a.key })).body.agent_version,
    ).toBe(2);
    const nope = await request('POST', '/v1/calls/batch', {
      key: a.key,
      body: { agent_id: agent.id, recipients: [{ phone: uniqueNumber('+1647') }], agent_version: 99 },
    });
    expect(nope.status).toBe(404);
    expect(expectEnvelope(nope).param).toBe('agent_version');
  });

  it('restore makes an old version current as a new version, and is audited', async () => {
    const agent = await newAgent(a);
    await request('PATCH', `/v1/agents/${agent.id}`, { key: a.key, body: { prompt: 'Prompt two.' } });
    const restored = await request('POST', `/v1/agents/${agent.id}/versions/1/restore`, { key: a.key });
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ version: 3, prompt: 'Prompt one.', first_message: 'Hello one.' });
    const v3 = (await request('GET', `/v1/agents/${agent.id}/versions/3`, { key: a.key })).body;
    expect(v3).toMatchObject({ restored_from: 1, prompt: 'Prompt one.' });
    // Version 2 is still there, unchanged.
    expect((await request('GET', `/v1/agents/${agent.id}/versions/2`, { key: a.key })).body.prompt).toBe(
      'Prompt two.',
    );
    const audit = await request('GET', '/v1/audit_events?limit=100', { key: a.key });
    expect(audit.body.data.some((e: any) => e.action === 'agent.updated' && e.resource_id === agent.id)).toBe(
      true,
    );
  });
});
