// The security table, generated from /openapi.json: for every documented operation, by the credentials
// its `security` names, no credential → 401, a wrong one → 401, another account's → 404 on this
// account's resources (never 403, never its data) or only its own data, and the right one → the
// documented success. An operation without a case here fails the suite, so a new route cannot skip it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Credential,
  type Operation,
  operations,
  openApiDoc,
  requirements,
  SCHEMES,
} from '../helpers/contract';
import {
  createRoomyAccount,
  expectEnvelope,
  randomIp,
  request,
  type Reply,
  type TestAccount,
  uniqueNumber,
} from '../helpers/harness';
import { receiverUrl } from '../helpers/receiver';
import { type Fixtures, SECURITY_CASES } from './contract-security.cases';

let f: Fixtures;

beforeAll(async () => {
  const owner = await createRoomyAccount();
  const other = await createRoomyAccount();
  const made = async (path: string, body: unknown, key = owner.key) => {
    const r = await request('POST', path, { key, body });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const call = await made('/v1/call', { agent_id: owner.agentId, recipient_phone: '+14155550101' });
  const batch = await made('/v1/calls/batch', {
    agent_id: owner.agentId,
    recipients: [{ phone: '+14155550102' }],
    schedule_at: Math.floor(Date.now() / 1000) + 86_400,
  });
  await made('/v1/simulator/whatsapp_messages', { from: '+14155550103', text: 'hi' });
  const message = (await request('GET', '/v1/messages', { key: owner.key })).body.data[0];
  const endpoint = await made('/v1/webhook_endpoints', { url: receiverUrl('security') });
  await made(`/v1/webhook_endpoints/${endpoint.id}/test`, {});
  const event = (await request('GET', '/v1/events', { key: owner.key })).body.data[0];
  const rtb = await made('/v1/rtb_endpoints', { name: 'Publisher' });
  const route = await made(`/v1/rtb_endpoints/${rtb.id}/routes`, {
    buyer: 'Buyer',
    number: uniqueNumber('+1555'),
    payout: 10,
  });
  const answer = await made('/reporting_ai/query', { query: 'How many calls did we make?' });
  const keyId = (await request('GET', '/v1/api_keys', { key: owner.key })).body.data[0].id;
  f = {
    owner,
    other,
    callId: call.call_id,
    batchId: batch.batch_id,
    messageId: message?.id,
    endpointId: endpoint.id,
    eventId: event?.id,
    rtbId: rtb.id,
    routeId: route.id,
    sessionId: answer.session_id,
    keyId,
    made,
  };
});

async function send(
  op: Operation,
  cred: ReturnType<Credential> | undefined,
  params: Record<string, string>,
  body: unknown,
) {
  let path = op.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(params[name] ?? 'missing'));
  if (cred?.query) path += `${path.includes('?') ? '&' : '?'}${cred.query}`;
  // A fresh client IP per request: failed authentications count towards a per-IP limit.
  const headers = { 'CF-Connecting-IP': randomIp(), ...(cred?.headers ?? {}) };
  return request(op.method.toUpperCase(), path, { body, headers });
}

const expect401 = (r: Reply) => {
  expect(r.status, r.text).toBe(401);
  expect(expectEnvelope(r).code).toBe('unauthorized');
};

it('has a case for every documented operation', async () => {
  const missing = (await operations()).map((o) => o.id).filter((id) => !SECURITY_CASES[id]);
  expect(missing, 'add these operations to contract-security.cases.ts').toEqual([]);
  const ops = await operations();
  const stale = Object.keys(SECURITY_CASES).filter((id) => !ops.some((o) => o.id === id));
  expect(stale, 'cases for operations the document no longer has').toEqual([]);
});

// Listed when the file loads (the Worker serves the document), so each operation is its own test.
const documented = await operations();

describe.each(documented.map((op) => ({ op, name: `${op.method.toUpperCase()} ${op.path}` })))(
  '$name',
  ({ op }) => {
    it('no credential → 401, wrong → 401, another account → 404 or only its own data, owner → success', async () => {
      const c = SECURITY_CASES[op.id];
      expect(c, `no security case for ${op.id}`).toBeDefined();
      const where = `${op.method.toUpperCase()} ${op.path}`;
      const success = Object.keys(op.op.responses).find((s) => s.startsWith('2'));
      for (const scheme of await requirements(op)) {
        const how = SCHEMES[scheme];
        expect(how, `${where}: no credentials known for scheme ${scheme}`).toBeDefined();
        const owner = c.fresh ? await c.fresh(f) : f.owner;
        const other = c.fresh ? await c.fresh(f) : f.other;
        // Inputs made afresh for each request: a create by one account must not use up the next one's.
        const input = async () => (await c.setup?.(f, owner)) ?? {};
        const { params = {}, body } = await input();

        expect401(await send(op, undefined, params, body));
        for (const wrong of how.wrong) expect401(await send(op, wrong(owner), params, body));

        if (c.tenancy !== 'none') {
          const theirs = await input();
          const r = await send(op, how.right(other), theirs.params ?? {}, theirs.body);
          const ownsPath = Object.keys(theirs.params ?? {}).length > 0;
          if (c.tenancy === 'unprocessable') {
            expect(r.status, `${where} with another account: ${r.text}`).toBe(422);
          } else if (ownsPath || c.tenancy === 'owned') {
            expect(r.status, `${where} with another account: ${r.text}`).toBe(404);
            expect(expectEnvelope(r).code).toBe('not_found');
          } else {
            expect(r.status, `${where} with another account: ${r.text}`).toBe(Number(success));
          }
          for (const secret of [owner.id, owner.agentId, owner.numberId, f.callId]) {
            expect(r.text, `${where} shows another account ${secret}`).not.toContain(secret);
          }
        }
        const own = await input();
        const mine = await send(op, how.right(owner), own.params ?? {}, own.body);
        expect(mine.status, `${where} as its owner: ${mine.text}`).toBe(Number(success));
      }
    });
  },
);
