// Each test file makes its own accounts through the operator API, then talks to the Worker as a client would.
import { env, exports } from 'cloudflare:workers';

export const ADMIN_TOKEN = 'test_admin_token';
export const BASE = 'https://callplane.test';

export interface Json {
  [k: string]: any;
}
export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** One client IP per test file, as Cloudflare would set it, so per-IP limits do not leak between files. */
export const randomIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
const FILE_IP = randomIp();

export async function request(
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { 'CF-Connecting-IP': FILE_IP, ...(opts.headers ?? {}) };
  if (opts.key) headers.Authorization = `Bearer ${opts.key}`;
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  // Redirects are answers to check (the dashboard's sign-in), not to follow.
  const res = await exports.default.fetch(
    new Request(BASE + path, { method, headers, body, redirect: 'manual' }),
  );
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export interface TestAccount {
  id: string;
  key: string;
  webhookAuthKey: string;
  ingestPublicKey: string;
  ingestPrivateKey: string;
  agentId: string;
  numberId: string;
  number: string;
}

let counter = 0;
/** A unique E.164 number per call so tests never collide on the global phone number index. */
export function uniqueNumber(prefix = '+1415') {
  counter++;
  const rand = Math.floor(Math.random() * 1e4)
    .toString()
    .padStart(4, '0');
  return `${prefix}${(counter % 1000).toString().padStart(3, '0')}${rand}`.slice(0, 12);
}

export async function createAccount(plan = 'growth', extra: Json = {}): Promise<TestAccount> {
  const made = await request('POST', '/admin/accounts', {
    key: ADMIN_TOKEN,
    body: { name: `Test ${plan}`, plan, ...extra },
  });
  if (made.status !== 201) throw new Error(`account: ${made.status} ${made.text}`);
  const key = made.body.api_key;
  const agent = await request('POST', '/v1/agents', {
    key,
    body: {
      name: 'Reminder',
      prompt: 'Remind {{name}} about {{appointment_time}}.',
      first_message: 'Hi {{name}}!',
    },
  });
  const number = uniqueNumber();
  const pn = await request('POST', '/v1/phone_numbers', { key, body: { number, agent_id: agent.body.id } });
  if (pn.status !== 201) throw new Error(`number: ${pn.status} ${pn.text}`);
  return {
    id: made.body.account.id,
    key,
    webhookAuthKey: made.body.webhook_auth_key,
    ingestPublicKey: made.body.ingest_public_key,
    ingestPrivateKey: made.body.ingest_private_key,
    agentId: agent.body.id,
    numberId: pn.body.id,
    number,
  };
}

export function expectEnvelope(reply: Reply) {
  const e = reply.body?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.request_id !== 'string') {
    throw new Error(`not an error envelope (${reply.status}): ${reply.text.slice(0, 300)}`);
  }
  if (reply.headers.get('X-Request-Id') !== e.request_id)
    throw new Error('request_id differs from X-Request-Id');
  return e as { code: string; message: string; param?: string; request_id: string };
}

/** An account whose limits never get in the way of tests that are about something else. */
export const ROOMY = {
  limits: { calls_per_minute: 100_000, concurrent_calls: 100_000, api_per_minute: 100_000 },
};
export const createRoomyAccount = () => createAccount('enterprise', ROOMY);

export { env };
