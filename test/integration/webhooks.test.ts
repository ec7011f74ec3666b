import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { nextDelayMs, RETRY_SCHEDULE, retryAfterMs } from '../../src/services/webhook-delivery';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  type TestAccount,
} from '../helpers/harness';
import { deliveriesTo, installReceiver, receiverUrl, verify, waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
beforeAll(async () => {
  installReceiver();
  a = await createRoomyAccount();
});

const endpoint = async (url: string, extra: Record<string, unknown> = {}, acct = a) => {
  const r = await request('POST', '/v1/webhook_endpoints', { key: acct.key, body: { url, ...extra } });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; secret: string };
};
const testEvent = async (id: string, acct = a) =>
  (await request('POST', `/v1/webhook_endpoints/${id}/test`, { key: acct.key })).body.id as string;
const eventDetail = async (id: string, acct = a) =>
  (await request('GET', `/v1/events/${id}`, { key: acct.key })).body;

describe('webhook endpoints', () => {
  it('create shows the secret once; list and get never do', async () => {
    const ep = await endpoint(receiverUrl('plain'), { events: ['call.completed'], description: 'CRM' });
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const got = await request('GET', `/v1/webhook_endpoints/${ep.id}`, { key: a.key });
    expect(got.body).toMatchObject({ events: ['call.completed'], status: 'enabled', description: 'CRM' });
    expect(got.text).not.toContain(ep.secret);
    expect((await request('GET', '/v1/webhook_endpoints', { key: a.key })).text).not.toContain(ep.secret);
  });

  it.each([
    ['http://example.com/hook', 'url must use https'],
    ['https://127.0.0.1/hook', 'not an IP'],
    ['https://[::1]/hook', 'not an IP'],
    ['https://localhost/hook', 'public host'],
    ['https://printer.local/hook', 'public host'],
    ['https://intranet/hook', 'public host'],
    ['ftp://example.com', 'https'],
    ['not a url', 'absolute URL'],
    ['https://user:pw@example.com/', 'credentials'],
  ])('refuses %s', async (url, message) => {
    const r = await request('POST', '/v1/webhook_endpoints', { key: a.key, body: { url } });
    expect(r.status).toBe(400);
    const e = expectEnvelope(r);
    expect(e.param).toBe('url');
    expect(e.message).toContain(message);
  });

  it('refuses unknown event types, naming which', async () => {
    const r = await request('POST', '/v1/webhook_endpoints', {
      key: a.key,
      body: { url: receiverUrl('x'), events: ['call.completed', 'call.exploded'] },
    });
    expect(expectEnvelope(r).param).toBe('events[1]');
  });

  it("another account's endpoint and events are 404", async () => {
    const other = await createAccount('growth');
    const ep = await endpoint(receiverUrl('mine'));
    const evt = await testEvent(ep.id);
    for (const [m, p] of [
      ['GET', `/v1/webhook_endpoints/${ep.id}`],
      ['PATCH', `/v1/webhook_endpoints/${ep.id}`],
      ['POST', `/v1/webhook_endpoints/${ep.id}/test`],
      ['POST', `/v1/webhook_endpoints/${ep.id}/rotate_secret`],
      ['DELETE', `/v1/webhook_endpoints/${ep.id}`],
      ['GET', `/v1/events/${evt}`],
      ['POST', `/v1/events/${evt}/redeliver`],
    ]) {
      const r = await request(m, p, {
        key: other.key,
        body: m === 'PATCH' ? { description: 'x' } : undefined,
      });
      expect(r.status, `${m} ${p}`).toBe(404);
    }
  });
});

describe('delivery', () => {
  it('a receiver that fails 3 times then succeeds gets the event once successfully, 4 attempts, same webhook-id', async () => {
    const url = receiverUrl('flaky', (n) =>
      n <= 3 ? new Response('nope', { status: 500 }) : new Response('thanks'),
    );
    const ep = await endpoint(url);
    const evt = await testEvent(ep.id);
    const detail = await waitFor(
      async () => {
        const d = await eventDetail(evt);
        return d.deliveries[0]?.status === 'succeeded' && d;
      },
      { what: 'success' },
    );
    const got = deliveriesTo(url);
    expect(got).toHaveLength(4);
    expect(new Set(got.map((g) => g.headers['webhook-id']))).toEqual(new Set([evt]));
    for (const g of got) verify(ep.secret, g);
    expect(detail.deliveries[0]).toMatchObject({ status: 'succeeded', attempts: 4, last_status_code: 200 });
    expect(detail.deliveries[0].attempt_log.map((x: any) => x.status_code)).toEqual([500, 500, 500, 200]);
    expect(detail.deliveries[0].attempt_log[0].response_body).toBe('nope');
  });

  it('410 disables the endpoint', async () => {
    const url = receiverUrl('gone', () => new Response('gone', { status: 410 }));
    const ep = await endpoint(url);
    const evt = await testEvent(ep.id);
    await waitFor(async () => (await eventDetail(evt)).deliveries[0]?.status === 'failed', {
      what: 'failed',
    });
    const r = await request('GET', `/v1/webhook_endpoints/${ep.id}`, { key: a.key });
    expect(r.body).toMatchObject({ status: 'disabled', disabled_reason: expect.stringContaining('410') });
    expect(deliveriesTo(url)).toHaveLength(1);
  });

  it('redirects are not followed', async () => {
    const url = receiverUrl('redirect', (n) =>
      n === 1
        ? new Response(null, { status: 302, headers: { Location: 'https://hooks.test/elsewhere/x' } })
        : new Response('ok'),
    );
    const ep = await endpoint(url);
    const evt = await testEvent(ep.id);
    const d = await waitFor(async () => {
      const x = await eventDetail(evt);
      return x.deliveries[0]?.status === 'succeeded' && x;
    });
    expect(d.deliveries[0].attempt_log[0]).toMatchObject({ status_code: 302 });
    expect(deliveriesTo(url)).toHaveLength(2);
    expect(deliveriesTo('https://hooks.test/elsewhere/x')).toHaveLength(0);
  });

  it('an exhausted schedule leaves the delivery failed and visible; recover resends it', async () => {
    let healthy = false;
    const url = receiverUrl('down', () =>
      healthy ? new Response('ok') : new Response('down', { status: 503 }),
    );
    const ep = await endpoint(url);
    const evt = await testEvent(ep.id);
    const failed = await waitFor(
      async () => {
        const x = await eventDetail(evt);
        return x.deliveries[0]?.status === 'failed' && x;
      },
      { timeout: 30_000, what: 'exhaustion' },
    );
    expect(failed.deliveries[0].attempts).toBe(RETRY_SCHEDULE.length + 1);
    expect(failed.deliveries[0].last_error).toBe('HTTP 503');
    healthy = true;
    const rec = await request('POST', `/v1/webhook_endpoints/${ep.id}/recover`, {
      key: a.key,
      body: { since: Math.floor(Date.now() / 1000) - 3600 },
    });
    expect(rec.body).toMatchObject({ resent: 1 });
    await waitFor(async () => (await eventDetail(evt)).deliveries[0]?.status === 'succeeded', {
      what: 'recovered',
    });
    const tooOld = await request('POST', `/v1/webhook_endpoints/${ep.id}/recover`, {
      key: a.key,
      body: { since: Math.floor(Date.now() / 1000) - 15 * 86400 },
    });
    expect(expectEnvelope(tooOld).param).toBe('since');
  }, 40_000);

  it('redeliver sends an event again', async () => {
    const url = receiverUrl('again');
    const ep = await endpoint(url);
    const evt = await testEvent(ep.id);
    await waitFor(() => deliveriesTo(url).length === 1);
    const r = await request('POST', `/v1/events/${evt}/redeliver`, { key: a.key });
    expect(r.status).toBe(202);
    await waitFor(() => deliveriesTo(url).length === 2);
    expect(deliveriesTo(url)[1].headers['webhook-id']).toBe(evt);
  });

  it('rotated secrets: both sign for the overlap, so either verifies', async () => {
    const url = receiverUrl('rotate');
    const ep = await endpoint(url);
    const rotated = await request('POST', `/v1/webhook_endpoints/${ep.id}/rotate_secret`, { key: a.key });
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect(rotated.body.previous_secret_expires_at - Date.now() / 1000).toBeGreaterThan(86_000);
    await testEvent(ep.id);
    await waitFor(() => deliveriesTo(url).length === 1);
    const d = deliveriesTo(url)[0];
    expect(d.headers['webhook-signature'].split(' ')).toHaveLength(2);
    verify(ep.secret, d);
    verify(rotated.body.secret, d);
  });

  it('endpoints get only the events they subscribe to, and disabled ones nothing', async () => {
    const onlyCompleted = receiverUrl('only');
    const disabled = receiverUrl('disabled');
    await endpoint(onlyCompleted, { events: ['call.completed'] });
    const off = await endpoint(disabled);
    await request('PATCH', `/v1/webhook_endpoints/${off.id}`, { key: a.key, body: { status: 'disabled' } });
    const call = await request('POST', '/v1/call', {
      key: a.key,
      body: {
        agent_id: a.agentId,
        recipient_phone: '+14155550150',
        metadata: { simulate: { talk_seconds: 6 } },
      },
    });
    await waitFor(() => deliveriesTo(onlyCompleted).some((d) => d.json.data.call.id === call.body.call_id), {
      what: 'completed delivery',
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(deliveriesTo(onlyCompleted).map((d) => d.json.type)).toEqual(['call.completed']);
    expect(deliveriesTo(disabled)).toHaveLength(0);
  });
});

describe('queue consumer', () => {
  it('a batch where one message throws: the others are acked, the failing one retried, nothing lost', async () => {
    const url = receiverUrl('batch');
    const ep = await endpoint(url, { events: ['batch.completed'] }); // subscribed to nothing that happens here
    const now = Date.now();
    const ids = ['good1', 'broken', 'good2'].map((n) => `del_${n}_${crypto.randomUUID().slice(0, 6)}`);
    for (const [i, id] of ids.entries()) {
      const evt = `evt_${id}`;
      // The middle event's data is not JSON: reading it throws inside the consumer.
      await shardsDb
        .prepare(
          'INSERT INTO events (id, account_id, type, data, created_at, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .bind(
          evt,
          a.id,
          'webhook_endpoint.test',
          i === 1 ? '{broken' : '{"n":1}',
          Math.floor(now / 1000),
          now,
        )
        .run();
      await shardsDb
        .prepare(
          "INSERT INTO deliveries (id, account_id, event_id, endpoint_id, status, attempts, next_attempt_at_ms, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
        )
        .bind(id, a.id, evt, ep.id, now, Math.floor(now / 1000))
        .run();
    }
    const batch = createMessageBatch(
      'callplane-events',
      ids.map((id, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: { delivery_id: id } })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch as any, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm2']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m1']);
    const status = async (id: string) =>
      (await shardsDb
        .prepare('SELECT status FROM deliveries WHERE id = ?')
        .bind(id)
        .first<{ status: string }>())!.status;
    expect(await status(ids[0])).toBe('succeeded');
    expect(await status(ids[1])).toBe('pending');
    expect(await status(ids[2])).toBe('succeeded');

    // The retried message arrives again after the data is repaired: delivered.
    await shardsDb.prepare('UPDATE events SET data = ? WHERE id = ?').bind('{"n":2}', `evt_${ids[1]}`).run();
    const retry = createMessageBatch('callplane-events', [
      { id: 'm1', timestamp: new Date(), attempts: 2, body: { delivery_id: ids[1] } },
    ]);
    await worker.queue(retry as any, env);
    expect(await status(ids[1])).toBe('succeeded');
    expect(deliveriesTo(url)).toHaveLength(3);
  });

  it('a duplicate message does not deliver twice', async () => {
    const url = receiverUrl('dupe');
    const ep = await endpoint(url);
    const evt = await testEvent(ep.id);
    await waitFor(async () => (await eventDetail(evt)).deliveries[0]?.status === 'succeeded');
    const delId = (await eventDetail(evt)).deliveries[0].id;
    const batch = createMessageBatch('callplane-events', [
      { id: 'x', timestamp: new Date(), attempts: 1, body: { delivery_id: delId } },
    ]);
    await worker.queue(batch as any, env);
    expect(deliveriesTo(url)).toHaveLength(1);
  });

  it('the sweep re-enqueues deliveries whose queue message was lost', async () => {
    const url = receiverUrl('lost');
    const ep = await endpoint(url, { events: ['batch.completed'] });
    const now = Date.now() - 5 * 60_000;
    await shardsDb
      .prepare(
        'INSERT INTO events (id, account_id, type, data, created_at, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .bind('evt_lost', a.id, 'batch.completed', '{}', Math.floor(now / 1000), now)
      .run();
    await shardsDb
      .prepare(
        "INSERT INTO deliveries (id, account_id, event_id, endpoint_id, status, attempts, next_attempt_at_ms, created_at) VALUES ('del_lost', ?, 'evt_lost', ?, 'pending', 0, ?, ?)",
      )
      .bind(a.id, ep.id, now, Math.floor(now / 1000))
      .run();
    await worker.scheduled(
      { cron: '*/5 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController,
      env,
    );
    await waitFor(() => deliveriesTo(url).length === 1, { what: 'swept delivery' });
  });
});

describe('retry schedule', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with ±20 % jitter', () => {
    const expected = [5, 300, 1800, 7200, 18000, 36000, 36000];
    expect(RETRY_SCHEDULE).toEqual(expected);
    expected.forEach((s, i) => {
      expect(nextDelayMs(i + 1, 1, () => 0)).toBeCloseTo(s * 800);
      expect(nextDelayMs(i + 1, 1, () => 1)).toBeCloseTo(s * 1200);
    });
  });

  it('honours Retry-After when it asks for longer', () => {
    expect(nextDelayMs(1, 1, () => 0.5, 60_000)).toBe(60_000);
    expect(nextDelayMs(2, 1, () => 0.5, 60_000)).toBe(300_000);
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs(new Date(Date.now() + 30_000).toUTCString(), Date.now())).toBeGreaterThan(28_000);
    expect(retryAfterMs('soon', 0)).toBe(0);
  });
});
