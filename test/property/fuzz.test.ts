// Random bodies and query strings at every route: never a 500, every error in the envelope.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRoomyAccount,
  expectEnvelope,
  randomIp,
  request,
  ADMIN_TOKEN,
  type TestAccount,
} from '../helpers/harness';

let a: TestAccount;
beforeAll(async () => {
  a = await createRoomyAccount();
});

const routes: Array<[string, (t: TestAccount) => string, 'user' | 'admin']> = [
  ['POST', () => '/v1/call', 'user'],
  ['POST', () => '/v1/calls', 'user'],
  ['GET', () => '/v1/calls', 'user'],
  ['GET', () => '/v1/calls/call_x', 'user'],
  ['POST', () => '/api/v1/calls/initiate', 'user'],
  ['POST', () => '/v1/agents', 'user'],
  ['GET', () => '/v1/agents', 'user'],
  ['PATCH', (t) => `/v1/agents/${t.agentId}`, 'user'],
  ['DELETE', () => '/v1/agents/agent_missing', 'user'],
  ['POST', () => '/v1/phone_numbers', 'user'],
  ['GET', () => '/v1/phone_numbers', 'user'],
  ['PATCH', (t) => `/v1/phone_numbers/${t.numberId}`, 'user'],
  ['POST', () => '/v1/api_keys', 'user'],
  ['POST', () => '/v1/api_keys/key_missing/roll', 'user'],
  ['POST', () => '/admin/accounts', 'admin'],
  ['PATCH', (t) => `/admin/accounts/${t.id}`, 'admin'],
  ['POST', (t) => `/admin/accounts/${t.id}/clerk_links`, 'admin'],
  ['POST', () => '/v1/calls/batch', 'user'],
  ['GET', () => '/v1/batches', 'user'],
  ['POST', () => '/v1/batches/batch_x/cancel', 'user'],
  ['POST', () => '/v1/messages', 'user'],
  ['POST', () => '/api/v1/whatsapp/send', 'user'],
  ['GET', () => '/v1/messages', 'user'],
  ['POST', () => '/v1/webhook_endpoints', 'user'],
  ['GET', () => '/v1/events', 'user'],
  ['POST', () => '/v1/webhook_endpoints/we_x/recover', 'user'],
  ['POST', () => '/v1/rtb_endpoints', 'user'],
  ['POST', () => '/v1/rtb_endpoints/rtbe_x/routes', 'user'],
  ['POST', () => '/v1/calls/call_x/convert', 'user'],
  ['POST', () => '/v1/simulator/inbound_calls', 'user'],
  ['POST', () => '/reporting_ai/query', 'user'],
  ['GET', () => '/reporting_ai/sessions', 'user'],
];

// Bodies biased towards the real field names so validation gets past the first check.
const fieldNames = [
  'recipients',
  'schedule_at',
  'calling_window',
  'message_type',
  'content',
  'url',
  'events',
  'query',
  'session_id',
  'buyer',
  'payout',
  'caps',
  'geo',
  'since',
  'from',
  'to',
  'agent_id',
  'recipient_phone',
  'to_number',
  'from_number',
  'variables',
  'metadata',
  'max_duration',
  'name',
  'prompt',
  'status',
  'language',
  'analysis_schema',
  'number',
  'agent_id',
  'plan',
  'limits',
  'timezone',
  'subject',
  'mode',
  'overlap_seconds',
  'voice_id',
];
const value = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom('+14155550100', '+0', '', 'active', 'growth', 'UTC', 'Mars/Olympus', 1e308, -1, 7200),
);
const body = fc.oneof(fc.dictionary(fc.constantFrom(...fieldNames), value, { maxKeys: 8 }), fc.jsonValue());
const rawBody = fc.oneof(
  fc.string(),
  fc.constantFrom('{', '[1,2', '{"a":1}}', 'null', '"x"', '\u0000', '{"__proto__":{"x":1}}'),
);
const query = fc.dictionary(
  fc.constantFrom(
    'limit',
    'offset',
    'status',
    'agent_id',
    'from',
    'to',
    'direction',
    'batch_id',
    'x',
    'type',
    'call_id',
    'contact',
  ),
  fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.constantFrom('active', 'completed', '1e400', 'NaN', '-0', '%zz'),
  ),
  { maxKeys: 4 },
);

function check(r: { status: number; text: string }, label: string) {
  expect(r.status, `${label} → ${r.text.slice(0, 200)}`).toBeLessThan(500);
  if (r.status >= 400) expectEnvelope(r as any);
}

describe('fuzz', () => {
  it.each(routes.filter(([m]) => m !== 'GET'))('%s %s survives random JSON', async (method, path, who) => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await request(method, path(a), {
          key: who === 'admin' ? ADMIN_TOKEN : a.key,
          body: b,
          headers: { 'CF-Connecting-IP': randomIp() },
        });
        check(r, JSON.stringify(b));
      }),
      { numRuns: 40 },
    );
  });

  it.each(routes)('%s %s survives raw bodies and odd content types', async (method, path, who) => {
    await fc.assert(
      fc.asyncProperty(
        rawBody,
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/vnd.api+json',
        ),
        async (raw, ct) => {
          const r = await request(method, path(a), {
            key: who === 'admin' ? ADMIN_TOKEN : a.key,
            raw: method === 'GET' ? undefined : raw,
            headers: { 'Content-Type': ct, 'CF-Connecting-IP': randomIp() },
          });
          check(r, `${ct} ${JSON.stringify(raw)}`);
        },
      ),
      { numRuns: 25 },
    );
  });

  it.each(routes.filter(([m]) => m === 'GET'))(
    '%s %s survives random query strings',
    async (method, path) => {
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const qs = Object.entries(q)
            .map(([k, v]) => `${k}=${v.includes('%') ? v : encodeURIComponent(v)}`)
            .join('&');
          check(await request(method, `${path(a)}?${qs}`, { key: a.key }), qs);
        }),
        { numRuns: 60 },
      );
    },
  );

  it('random headers on the auth path never break it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), async (auth, idem) => {
        const headers: Record<string, string> = {};
        try {
          new Headers({ a: auth, b: idem });
        } catch {
          return;
        }
        headers.Authorization = auth;
        headers['Idempotency-Key'] = idem;
        headers['CF-Connecting-IP'] = randomIp();
        const r = await request('POST', '/v1/call', {
          headers,
          body: { agent_id: a.agentId, recipient_phone: '+14155550100' },
        });
        check(r, auth);
      }),
      { numRuns: 60 },
    );
  });
});

// The hostile corpus from issue #13: huge, deep, wide and absurd inputs at every writing route.
const deepJson = (n: number, open = '{"a":', close = '}') => `${open.repeat(n)}1${close.repeat(n)}`;
const wide = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":"v"`).join(',')}}`;
const hostile: Array<[string, (t: TestAccount) => string]> = [
  ['deep object', () => deepJson(100_000)],
  ['deep array', () => deepJson(100_000, '[', ']')],
  [
    'deep metadata',
    (t) => `{"agent_id":"${t.agentId}","name":"x","prompt":"p","metadata":${deepJson(5000)}}`,
  ],
  [
    '100 000 metadata keys',
    (t) => `{"agent_id":"${t.agentId}","name":"x","prompt":"p","metadata":${wide(100_000)}}`,
  ],
  [
    '100 000 variables',
    (t) => `{"agent_id":"${t.agentId}","recipient_phone":"+14155550100","variables":${wide(100_000)}}`,
  ],
  ['unterminated deep', () => '{"a":'.repeat(50_000)],
  ['escaped quotes', () => `{"name":"\\"{{{{[[[[\\\\","prompt":"${'\\"'.repeat(1000)}"}`],
  ['absurd date', () => '{"query":"How many calls in the last 99999999999 days?"}'],
  ['absurd hours', () => '{"query":"calls in the past 1e309 hours and top 99999999999 agents"}'],
];

describe('hostile corpus', () => {
  it.each(routes.filter(([m]) => m !== 'GET'))(
    '%s %s answers every hostile body below 500',
    async (method, path, who) => {
      for (const [name, make] of hostile) {
        const r = await request(method, path(a), {
          key: who === 'admin' ? ADMIN_TOKEN : a.key,
          raw: make(a),
          headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': randomIp() },
        });
        check(r, `${name} at ${method} ${path(a)}`);
      }
    },
  );
});
