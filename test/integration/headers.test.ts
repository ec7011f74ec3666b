// Response headers: nosniff everywhere, no-store on secrets, HSTS on https, CORS only by allow-list.
import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
import { createAccount, request, ADMIN_TOKEN } from '../helpers/harness';

describe('response headers', () => {
  it('nosniff on successes, errors and unknown routes; HSTS over https', async () => {
    const a = await createAccount('starter');
    for (const r of [
      await request('GET', '/healthz'),
      await request('GET', '/v1/agents', { key: a.key }),
      await request('GET', '/v1/agents'),
      await request('GET', '/nope'),
      await request('POST', '/v1/agents', {
        key: a.key,
        raw: '{',
        headers: { 'Content-Type': 'application/json' },
      }),
    ]) {
      expect(r.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(r.headers.get('Strict-Transport-Security')).toMatch(/max-age=\d+/);
    }
    const plain = await exports.default.fetch(new Request('http://localhost/healthz'));
    expect(plain.headers.get('Strict-Transport-Security')).toBeNull();
    expect(plain.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('no-store on every answer carrying a secret', async () => {
    const a = await createAccount('starter');
    const key = await request('POST', '/v1/api_keys', { key: a.key, body: {} });
    const hook = await request('POST', '/v1/webhook_endpoints', {
      key: a.key,
      body: { url: 'https://example.com/hook' },
    });
    const rotated = await request('POST', `/v1/webhook_endpoints/${hook.body.id}/rotate_secret`, {
      key: a.key,
    });
    const creds = await request('POST', '/v1/account/credentials/webhook_auth_key/rotate', { key: a.key });
    const admin = await request('GET', `/admin/accounts/${a.id}`, { key: ADMIN_TOKEN });
    for (const r of [key, hook, rotated, creds, admin]) {
      expect(r.status).toBeLessThan(300);
      expect(r.headers.get('Cache-Control')).toBe('no-store');
    }
    expect((await request('GET', '/openapi.json')).headers.get('Cache-Control')).toBeNull();
  });

  it('sends no CORS headers by default, preflight included', async () => {
    const r = await exports.default.fetch(
      new Request('https://callplane.test/v1/agents', {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      }),
    );
    expect(r.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
