// Issue #15 "Shards" (src/db/shards.ts, docs/SCALING.md "Shards"): accounts live on one of two D1
// databases (DB, DB_SHARD_1) by a placement in the directory on DB. Every row of an account is on its
// shard; numbers are unique in the whole deployment through claims in the directory; lookups that start
// from something other than an account (a key, a number, a phone_number_id, a call id) find the right shard.
import { beforeAll, describe, expect, it } from 'vitest';
import { forgetPlacements } from '../../src/db/shards';
import { armFault, disarmFaults } from '../../src/lib/faults';
import { metaSignature } from '../../src/providers/whatsapp/meta';
import { twilioSignature } from '../../src/providers/telephony/twilio';
import { ADMIN_TOKEN, createAccount, env, expectEnvelope, request, uniqueNumber } from '../helpers/harness';
import { ownershipFixture, twilioFixtureAccount, wabaFixture } from '../helpers/provider-fixtures';
import { deliveriesTo, installReceiver, onHost, receiverUrl, verify, waitFor } from '../helpers/receiver';
import { SHARDS, type ShardName, shardDb, shardOf } from '../helpers/shards';

const DIRECTORY_TABLES = ['account_placements', 'number_claims'];
const SID = 'AC00000000000000000000000000000001';
const TOKEN = 'test_twilio_auth_token';
const WABA = '102290129340398';
const other = (s: ShardName): ShardName => (s === 'DB' ? 'DB_SHARD_1' : 'DB');

/** Every table of a database with an account_id column (what must hold nothing of a foreign account). */
async function accountTables(d1: D1Database) {
  const { results } = await d1
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )
    .all<{ name: string }>();
  const out: string[] = [];
  for (const { name } of results) {
    const cols = await d1.prepare(`PRAGMA table_info(${name})`).all<{ name: string }>();
    if (cols.results.some((c) => c.name === 'account_id')) out.push(name);
  }
  return out;
}

/** Rows per table of `accountId` on one database (the accounts table by id); only tables with rows. */
async function rowsOf(d1: D1Database, accountId: string, skip: string[] = []) {
  const found: Record<string, number> = {};
  for (const t of await accountTables(d1)) {
    if (skip.includes(t)) continue;
    const r = await d1
      .prepare(`SELECT count(*) AS n FROM ${t} WHERE account_id = ?`)
      .bind(accountId)
      .first<{ n: number }>();
    if (r!.n) found[t] = r!.n;
  }
  const acct = await d1
    .prepare('SELECT count(*) AS n FROM accounts WHERE id = ?')
    .bind(accountId)
    .first<{ n: number }>();
  if (acct!.n) found.accounts = acct!.n;
  return found;
}

async function newAccount(shard?: ShardName) {
  const made = await request('POST', '/admin/accounts', {
    key: ADMIN_TOKEN,
    body: {
      name: 'Shard test',
      plan: 'enterprise',
      limits: { calls_per_minute: 10_000 },
      ...(shard ? { shard } : {}),
    },
  });
  expect(made.status, made.text).toBe(201);
  return {
    id: made.body.account.id as string,
    key: made.body.api_key as string,
    shard: made.body.shard as ShardName,
  };
}

async function signedTwilio(path: string, params: Record<string, string>) {
  const url = `https://callplane.test${path}`;
  return request('POST', path, {
    raw: new URLSearchParams(params).toString(),
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': await twilioSignature(TOKEN, url, params),
    },
  });
}

async function metaInbound(phoneNumberId: string, display: string, text: string) {
  const raw = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: display.slice(1), phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: 'Caller' }, wa_id: '14155550180' }],
              messages: [
                {
                  from: '14155550180',
                  id: `wamid.${crypto.randomUUID()}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  text: { body: text },
                  type: 'text',
                },
              ],
            },
          },
        ],
      },
    ],
  });
  return request('POST', '/providers/whatsapp', {
    raw,
    headers: {
      'Content-Type': 'application/json',
      'X-Hub-Signature-256': await metaSignature('test_meta_app_secret', raw),
    },
  });
}

beforeAll(() => {
  installReceiver();
  onHost(
    'twilio.test',
    (req) => ownershipFixture(req) ?? Response.json({ message: 'not found' }, { status: 404 }),
  );
  onHost(
    'graph.test',
    (req) => ownershipFixture(req) ?? Response.json({ message: 'not found' }, { status: 404 }),
  );
});

describe('placement', () => {
  it('new accounts land on both shards (the suite’s own accounts too), each wholly on its shard', async () => {
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await createAccount('starter')).id);
    const shards = await Promise.all(ids.map(shardOf));
    expect(new Set(shards)).toEqual(new Set(SHARDS));
    for (const [i, id] of ids.entries()) {
      expect(Object.keys(await rowsOf(shardDb(shards[i]), id))).toEqual(
        expect.arrayContaining(['accounts', 'agents', 'api_keys', 'phone_numbers']),
      );
      expect(await rowsOf(shardDb(other(shards[i])), id, DIRECTORY_TABLES)).toEqual({});
    }
  });

  it('an operator pins a new account to a shard; an unknown shard is a 422 naming shard, nothing stored', async () => {
    for (const s of SHARDS) expect((await newAccount(s)).shard).toBe(s);
    const before = await env.DB.prepare('SELECT count(*) AS n FROM account_placements').first<{
      n: number;
    }>();
    const r = await request('POST', '/admin/accounts', {
      key: ADMIN_TOKEN,
      body: { name: 'x', plan: 'starter', shard: 'DB_SHARD_9' },
    });
    expect(r.status).toBe(422);
    expectEnvelope(r);
    expect(r.body.error.param).toBe('shard');
    const after = await env.DB.prepare('SELECT count(*) AS n FROM account_placements').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});

describe('a full life on each shard', () => {
  for (const shard of SHARDS) {
    it(`${shard}: key, agent, numbers, call with webhooks, Twilio and WhatsApp inbound, reporting, RTB — nothing on the other database`, async () => {
      const a = await newAccount(shard);
      const key = (await request('POST', '/v1/api_keys', { key: a.key, body: { name: 'second' } })).body.key;
      const agent = await request('POST', '/v1/agents', {
        key,
        body: { name: 'Shard agent', prompt: 'Hello {{name}}', first_message: 'Hi {{name}}!' },
      });
      expect(agent.status, agent.text).toBe(201);
      const hook = receiverUrl(`shard-${shard}`);
      const ep = await request('POST', '/v1/webhook_endpoints', { key, body: { url: hook } });
      expect(ep.status).toBe(201);

      // A simulated call to completed, its webhooks delivered and signed.
      const call = await request('POST', '/v1/call', {
        key,
        body: {
          agent_id: agent.body.id,
          recipient_phone: '+14155550142',
          metadata: { simulate: { talk_seconds: 5 } },
        },
      });
      expect(call.status, call.text).toBe(201);
      const callId = call.body.call_id;
      await waitFor(
        async () => (await request('GET', `/v1/calls/${callId}`, { key })).body.status === 'completed',
        { what: 'call completed' },
      );
      const hooks = await waitFor(
        () => {
          const got = deliveriesTo(hook).map((d) => d.json?.type);
          return got.includes('call.completed') && deliveriesTo(hook);
        },
        { what: 'call.completed webhook' },
      );
      for (const d of hooks) verify(ep.body.secret, d);

      // Twilio inbound, routed by the number called (the directory's claim).
      const twilioNumber = uniqueNumber('+1628');
      twilioFixtureAccount(SID, [[SID, TOKEN]], [twilioNumber]);
      const tn = await request('POST', '/v1/phone_numbers', {
        key,
        body: { number: twilioNumber, provider: 'twilio', agent_id: agent.body.id },
      });
      expect(tn.status, tn.text).toBe(201);
      const voice = await signedTwilio('/providers/twilio/voice', {
        AccountSid: SID,
        CallSid: `CA${crypto.randomUUID().replace(/-/g, '')}`,
        From: '+12125550147',
        To: twilioNumber,
        Direction: 'inbound',
        CallStatus: 'ringing',
      });
      expect(voice.status, voice.text).toBe(200);
      expect(voice.text).toContain('<Say>');
      const inbound = await request('GET', '/v1/calls?direction=inbound', { key });
      expect(inbound.body.data.map((c: any) => c.to_number)).toEqual([twilioNumber]);

      // WhatsApp inbound from Meta, routed by phone_number_id.
      const waId = String(100000000000000 + Math.floor(Math.random() * 1e14));
      const waNumber = uniqueNumber('+1555');
      wabaFixture(WABA, 'test_meta_token', [{ id: waId, display: waNumber }]);
      const wn = await request('POST', '/v1/phone_numbers', {
        key,
        body: { number: waNumber, whatsapp_phone_number_id: waId, agent_id: agent.body.id },
      });
      expect(wn.status, wn.text).toBe(201);
      expect((await metaInbound(waId, waNumber, `hello ${shard}`)).status).toBe(200);
      const msgs = await request('GET', '/v1/messages?direction=inbound', { key });
      expect(msgs.body.data.map((m: any) => m.content)).toEqual([`hello ${shard}`]);

      // A reporting question and an RTB ping.
      const q = await request('POST', '/reporting_ai/query', {
        key,
        body: { query: 'how many calls today' },
      });
      expect(q.status, q.text).toBe(200);
      const rtb = await request('POST', '/v1/rtb_endpoints', {
        key,
        body: { name: 'Publisher', campaign_name: 'Shards' },
      });
      expect(rtb.status, rtb.text).toBe(201);
      await request('POST', `/v1/rtb_endpoints/${rtb.body.id}/routes`, {
        key,
        body: { buyer: 'Buyer', number: uniqueNumber('+1555'), payout: 10 },
      });
      const ping = await request('GET', `/inbound_rtb/${rtb.body.rtb_id}?caller_id=%2B12125550111`);
      expect(ping.status, ping.text).toBe(200);

      // All of it on the account's shard; the other database holds nothing of it.
      const mine = await rowsOf(shardDb(shard), a.id, DIRECTORY_TABLES);
      expect(Object.keys(mine)).toEqual(
        expect.arrayContaining([
          'accounts',
          'api_keys',
          'agents',
          'calls',
          'events',
          'deliveries',
          'messages',
          'phone_numbers',
          'rtb_endpoints',
        ]),
      );
      // Only the directory, on DB, names the account: its placement and its three number claims.
      expect(await rowsOf(shardDb(other(shard)), a.id, DIRECTORY_TABLES)).toEqual({});
      const directory = await rowsOf(env.DB, a.id);
      expect({ p: directory.account_placements, c: directory.number_claims }).toEqual({ p: 1, c: 3 });
    });
  }
});

describe('numbers across shards', () => {
  let a: Awaited<ReturnType<typeof newAccount>>;
  let b: Awaited<ReturnType<typeof newAccount>>;
  beforeAll(async () => {
    a = await newAccount('DB');
    b = await newAccount('DB_SHARD_1');
  });
  const register = (key: string, body: Record<string, unknown>) =>
    request('POST', '/v1/phone_numbers', { key, body });

  it('a number held on one shard cannot be registered by an account on the other (the same answer as today)', async () => {
    const n = uniqueNumber('+1415');
    expect((await register(a.key, { number: n })).status).toBe(201);
    const r = await register(b.key, { number: n });
    expect(r.status).toBe(409);
    expect(r.body.error.param).toBe('number');
    expect(await rowsOf(env.DB_SHARD_1!, b.id)).not.toHaveProperty('phone_numbers', 2);
    const onB = await env
      .DB_SHARD_1!.prepare('SELECT count(*) AS n FROM phone_numbers WHERE number = ?')
      .bind(n)
      .first<{ n: number }>();
    expect(onB!.n).toBe(0);
    // And the other way round, for a WhatsApp phone_number_id (the not-yours 422).
    const waId = String(200000000000000 + Math.floor(Math.random() * 1e14));
    const n1 = uniqueNumber('+1555'),
      n2 = uniqueNumber('+1555');
    wabaFixture(WABA, 'test_meta_token', [
      { id: waId, display: n1 },
      { id: waId, display: n2 },
    ]);
    expect((await register(b.key, { number: n1, whatsapp_phone_number_id: waId })).status).toBe(201);
    const w = await register(a.key, { number: n2, whatsapp_phone_number_id: waId });
    expect(w.status).toBe(422);
    expect(w.body.error.param).toBe('whatsapp_phone_number_id');
    const onA = await env.DB.prepare('SELECT count(*) AS n FROM phone_numbers WHERE number = ?')
      .bind(n2)
      .first<{ n: number }>();
    expect(onA!.n).toBe(0);
    // The loser's number claim was released: n2 is free for anyone.
    expect((await register(b.key, { number: n2 })).status).toBe(201);
  });

  it('a deleted number is free again on the other shard', async () => {
    const n = uniqueNumber('+1415');
    const made = await register(a.key, { number: n });
    expect((await request('DELETE', `/v1/phone_numbers/${made.body.id}`, { key: a.key })).status).toBe(200);
    expect((await register(b.key, { number: n })).status).toBe(201);
  });

  it('a failed shard write releases the claim', async () => {
    const n = uniqueNumber('+1415');
    armFault(env, 'number-before-shard-insert', { kind: 'throw' });
    try {
      expect((await register(b.key, { number: n })).status).toBe(500);
    } finally {
      disarmFaults();
    }
    const claim = await env.DB.prepare('SELECT * FROM number_claims WHERE value = ?').bind(n).first();
    expect(claim).toBeNull();
    expect((await register(a.key, { number: n })).status).toBe(201);
  });

  it('a stale claim (no row behind it) is taken over once past its grace period; a fresh one is not', async () => {
    const stale = uniqueNumber('+1415'),
      fresh = uniqueNumber('+1415');
    const now = Math.floor(Date.now() / 1000);
    await env.DB.prepare(
      "INSERT INTO number_claims (kind, value, account_id, created_at) VALUES ('number', ?, ?, ?)",
    )
      .bind(stale, a.id, now - 3600)
      .run();
    await env.DB.prepare(
      "INSERT INTO number_claims (kind, value, account_id, created_at) VALUES ('number', ?, ?, ?)",
    )
      .bind(fresh, a.id, now)
      .run();
    expect((await register(b.key, { number: fresh })).status).toBe(409);
    const took = await register(b.key, { number: stale });
    expect(took.status, took.text).toBe(201);
    const claim = await env.DB.prepare('SELECT account_id FROM number_claims WHERE value = ?')
      .bind(stale)
      .first();
    expect(claim).toEqual({ account_id: b.id });
    // Inbound calls to it now reach b.
    const sim = await request('POST', '/v1/simulator/inbound_calls', {
      key: b.key,
      body: { to: stale, from: '+12125550100' },
    });
    expect(sim.status, sim.text).toBe(201);
  });
});

describe('tenancy and deletion across shards', () => {
  it('another account’s ids are a 404 whichever shard either is on', async () => {
    const a = await newAccount('DB');
    const b = await newAccount('DB_SHARD_1');
    const make = async (k: string) =>
      (await request('POST', '/v1/agents', { key: k, body: { name: 'x', prompt: 'p' } })).body.id as string;
    const agentA = await make(a.key),
      agentB = await make(b.key);
    expect((await request('GET', `/v1/agents/${agentB}`, { key: a.key })).status).toBe(404);
    expect((await request('GET', `/v1/agents/${agentA}`, { key: b.key })).status).toBe(404);
    expect((await request('DELETE', `/v1/agents/${agentA}`, { key: b.key })).status).toBe(404);
    expect((await request('GET', `/v1/agents/${agentA}`, { key: a.key })).status).toBe(200);
  });

  it('deleting an account leaves nothing of it on either database, the directory included', async () => {
    for (const shard of SHARDS) {
      const a = await newAccount(shard);
      const n = uniqueNumber('+1415');
      expect((await request('POST', '/v1/phone_numbers', { key: a.key, body: { number: n } })).status).toBe(
        201,
      );
      const agent = await request('POST', '/v1/agents', { key: a.key, body: { name: 'x', prompt: 'p' } });
      const call = await request('POST', '/v1/call', {
        key: a.key,
        body: {
          agent_id: agent.body.id,
          recipient_phone: '+14155550142',
          metadata: { simulate: { talk_seconds: 1 } },
        },
      });
      expect(call.status, call.text).toBe(201);
      const del = await request('DELETE', `/admin/accounts/${a.id}`, { key: ADMIN_TOKEN });
      expect(del.status, del.text).toBe(200);
      for (const s of SHARDS) expect(await rowsOf(shardDb(s), a.id)).toEqual({});
      expect((await request('GET', '/v1/agents', { key: a.key })).status).toBe(401);
    }
  });

  it('an account with no placement row (made before shards) works on DB', async () => {
    const a = await newAccount('DB');
    await env.DB.prepare('DELETE FROM account_placements WHERE account_id = ?').bind(a.id).run();
    forgetPlacements();
    const agent = await request('POST', '/v1/agents', { key: a.key, body: { name: 'Legacy', prompt: 'p' } });
    expect(agent.status, agent.text).toBe(201);
    const n = uniqueNumber('+1415');
    expect(
      (
        await request('POST', '/v1/phone_numbers', {
          key: a.key,
          body: { number: n, agent_id: agent.body.id },
        })
      ).status,
    ).toBe(201);
    const sim = await request('POST', '/v1/simulator/inbound_calls', {
      key: a.key,
      body: { to: n, from: '+12125550100' },
    });
    expect(sim.status, sim.text).toBe(201);
    expect(Object.keys(await rowsOf(env.DB, a.id))).toEqual(
      expect.arrayContaining(['accounts', 'agents', 'calls']),
    );
    expect(await rowsOf(env.DB_SHARD_1!, a.id)).toEqual({});
  });
});
