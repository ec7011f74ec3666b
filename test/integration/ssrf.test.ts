// Webhook destinations are resolved at registration and again at delivery (DNS rebinding); private,
// loopback, link-local and reserved answers are refused with a recorded reason and no retries.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRoomyAccount, expectEnvelope, request, type TestAccount } from '../helpers/harness';
import { installReceiver, onHost, waitFor } from '../helpers/receiver';
import { setLocalFailure, setLocalRecord } from '../../src/lib/dns';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
beforeAll(async () => {
  installReceiver();
  a = await createRoomyAccount();
});

describe('registration', () => {
  it.each([
    ['https://127.0.0.1.nip.io/', '127.0.0.1: loopback'],
    ['https://169.254.169.254.nip.io/', '169.254.169.254: link-local'],
    ['https://localtest.me/', '127.0.0.1: loopback'],
    ['https://app-10-0-0-1.sslip.io/hook', '10.0.0.1: private'],
    ['https://example.com:6379/', 'port'],
    ['https://2130706433/', 'not an IP'],
    ['https://0x7f.0.0.1/', 'not an IP'],
    ['https://0177.0.0.1/', 'not an IP'],
    ['https://127.0.0.1./', 'not an IP'],
    ['https://[::ffff:127.0.0.1]/', 'not an IP'],
    ['https://localhost./', 'public host'],
    ['https://gone.invalid/', 'does not resolve'],
  ])('refuses %s (400 naming url)', async (url, why) => {
    const r = await request('POST', '/v1/webhook_endpoints', { key: a.key, body: { url } });
    expect(r.status).toBe(400);
    const e = expectEnvelope(r);
    expect(e.param).toBe('url');
    expect(e.message).toContain(why);
  });

  it('a lookup that goes unanswered is a 503 with Retry-After naming url, no internal detail, nothing saved', async () => {
    const count = async () =>
      (
        await shardsDb
          .prepare('SELECT COUNT(*) AS n FROM webhook_endpoints WHERE account_id = ?')
          .bind(a.id)
          .first<{ n: number }>()
      )?.n;
    const before = await count();
    setLocalFailure('flaky-dns.example', true);
    try {
      const r = await request('POST', '/v1/webhook_endpoints', {
        key: a.key,
        body: { url: 'https://flaky-dns.example/hook' },
      });
      expect(r.status, r.text).toBe(503);
      expect(r.headers.get('Retry-After')).toBe('10');
      const e = expectEnvelope(r);
      expect(e.code).toBe('provider_unavailable');
      expect(e.param).toBe('url');
      expect(e.message).toContain('could not be completed');
      expect(e.message).not.toMatch(/internal error|reference =/);
    } finally {
      setLocalFailure('flaky-dns.example', false);
    }
    expect(await count()).toBe(before);
  });

  it('a PATCH to a private URL is refused too, and nothing changes', async () => {
    const ep = await request('POST', '/v1/webhook_endpoints', {
      key: a.key,
      body: { url: 'https://example.com/a' },
    });
    const r = await request('PATCH', `/v1/webhook_endpoints/${ep.body.id}`, {
      key: a.key,
      body: { url: 'https://10.0.0.1.nip.io/' },
    });
    expect(expectEnvelope(r).param).toBe('url');
    const got = await request('GET', `/v1/webhook_endpoints/${ep.body.id}`, { key: a.key });
    expect(got.body.url).toBe('https://example.com/a');
  });
});

describe('delivery', () => {
  it('a host that re-points to a private address after registration is not called; no retry storm', async () => {
    let calls = 0;
    onHost('rebind.test', () => {
      calls++;
      return new Response('ok');
    });
    const ep = await request('POST', '/v1/webhook_endpoints', {
      key: a.key,
      body: { url: 'https://rebind.test/h' },
    });
    expect(ep.status).toBe(201);
    setLocalRecord('rebind.test', ['93.184.215.14', '10.0.0.5']);
    try {
      const evt = (await request('POST', `/v1/webhook_endpoints/${ep.body.id}/test`, { key: a.key })).body.id;
      const d = await waitFor(async () => {
        const detail = (await request('GET', `/v1/events/${evt}`, { key: a.key })).body;
        return detail.deliveries[0]?.status === 'failed' && detail.deliveries[0];
      });
      expect(d.attempts).toBe(1);
      expect(d.last_error).toContain('destination refused');
      expect(d.last_error).toContain('10.0.0.5: private');
      expect(d.attempt_log).toHaveLength(1);
      expect(calls).toBe(0);
      const after = await request('GET', `/v1/webhook_endpoints/${ep.body.id}`, { key: a.key });
      expect(after.body.status).toBe('disabled');
      expect(after.body.disabled_reason).toContain('non-public address');
    } finally {
      setLocalRecord('rebind.test', null);
    }
  });

  it('a public host is delivered to', async () => {
    let calls = 0;
    onHost('public.test', () => {
      calls++;
      return new Response('ok');
    });
    const ep = await request('POST', '/v1/webhook_endpoints', {
      key: a.key,
      body: { url: 'https://public.test/h' },
    });
    await request('POST', `/v1/webhook_endpoints/${ep.body.id}/test`, { key: a.key });
    await waitFor(() => calls === 1);
  });
});
