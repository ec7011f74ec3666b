// The suppression list: enforced on every outbound path, per account, filled by hand, by CSV and by opt-outs.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { armFault, disarmFaults, timesReached } from '../../src/lib/faults';
import { isOptOutText, PARSE_CHUNK_ROWS, parseSuppressionCsv } from '../../src/services/suppressions';
import {
  createAccount,
  createRoomyAccount,
  env,
  expectEnvelope,
  request,
  type TestAccount,
  uniqueNumber,
} from '../helpers/harness';
import { deliveriesTo, installReceiver, receiverUrl, waitFor } from '../helpers/receiver';
import { shardsDb } from '../helpers/shards';

const suppress = (a: TestAccount, body: Record<string, unknown>) =>
  request('POST', '/v1/suppressions', { key: a.key, body });
const callsTo = async (a: TestAccount, phone: string) =>
  (
    await shardsDb
      .prepare('SELECT COUNT(*) AS n FROM calls WHERE account_id = ? AND to_number = ?')
      .bind(a.id, phone)
      .first<{ n: number }>()
  )?.n ?? 0;

const expectSuppressed = (r: Awaited<ReturnType<typeof request>>, param: string) => {
  expect(r.status, r.text).toBe(422);
  const e = expectEnvelope(r);
  expect(e.code).toBe('suppressed');
  expect(e.param).toBe(param);
};

const template = (a: TestAccount, to: string) => ({
  agent_id: a.agentId,
  to_number: to,
  message_type: 'template',
  content: { name: 'order_update', language: 'en_US' },
});

describe('suppression list', () => {
  let a: TestAccount;
  let b: TestAccount;
  beforeAll(async () => {
    // One after the other: the contract checker compiles the document on first use (test/helpers/contract.ts).
    a = await createRoomyAccount();
    b = await createRoomyAccount();
  });

  it('refuses a single call on every API shape with 422 suppressed naming the field, and stores nothing', async () => {
    const phone = uniqueNumber('+1646');
    const added = await suppress(a, { phone, reason: 'do_not_call', source: 'crm' });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ object: 'suppression', phone, channel: 'all', reason: 'do_not_call' });
    // Adding it again answers the same entry.
    expect((await suppress(a, { phone, reason: 'other' })).body.id).toBe(added.body.id);

    for (const path of ['/v1/call', '/v1/calls'])
      expectSuppressed(
        await request('POST', path, { key: a.key, body: { agent_id: a.agentId, recipient_phone: phone } }),
        'recipient_phone',
      );
    for (const path of ['/api/v1/calls/initiate', '/v1/calls/initiate'])
      expectSuppressed(
        await request('POST', path, { key: a.key, body: { agent_id: a.agentId, to_number: phone } }),
        'to_number',
      );
    expectSuppressed(
      await request('POST', '/v1/messages', { key: a.key, body: template(a, phone) }),
      'to_number',
    );
    expectSuppressed(
      await request('POST', '/api/v1/whatsapp/send', { key: a.key, body: template(a, phone) }),
      'to_number',
    );
    expect(await callsTo(a, phone)).toBe(0);

    // Removing it lets the call through again.
    expect((await request('DELETE', `/v1/suppressions/${added.body.id}`, { key: a.key })).status).toBe(200);
    const ok = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: phone },
    });
    expect(ok.status, ok.text).toBe(201);
  });

  it("tenancy: B cannot see or remove A's entries, and A's entry never blocks B", async () => {
    const phone = uniqueNumber('+1646');
    const mine = (await suppress(a, { phone })).body;
    expect((await request('GET', `/v1/suppressions/${mine.id}`, { key: b.key })).status).toBe(404);
    const del = await request('DELETE', `/v1/suppressions/${mine.id}`, { key: b.key });
    expect(del.status).toBe(404);
    expect(expectEnvelope(del).param).toBe('id');
    const listed = await request(
      'GET',
      `/v1/suppressions?include_total=true&phone=${encodeURIComponent(phone)}`,
      {
        key: b.key,
      },
    );
    expect(listed.body.total).toBe(0);
    expect((await request('GET', `/v1/suppressions/${mine.id}`, { key: a.key })).status).toBe(200);
    const theirs = await request('POST', '/v1/call', {
      key: b.key,
      body: { agent_id: b.agentId, recipient_phone: phone },
    });
    expect(theirs.status, theirs.text).toBe(201);
    expect(
      (await request('POST', '/v1/messages', { key: b.key, body: template(b, phone) })).status,
    ).toBeLessThan(300);
  });

  it('a channel entry blocks only its channel; list filters by channel and reason', async () => {
    const phone = uniqueNumber('+1646');
    await suppress(a, { phone, channel: 'whatsapp', reason: 'complained' });
    expectSuppressed(
      await request('POST', '/v1/messages', { key: a.key, body: template(a, phone) }),
      'to_number',
    );
    const call = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: phone },
    });
    expect(call.status, call.text).toBe(201);
    const list = await request(
      'GET',
      `/v1/suppressions?include_total=true&phone=${encodeURIComponent(phone)}&channel=whatsapp&reason=complained`,
      { key: a.key },
    );
    expect(list.body.total).toBe(1);
    const none = await request(
      'GET',
      `/v1/suppressions?include_total=true&phone=${encodeURIComponent(phone)}&channel=call`,
      {
        key: a.key,
      },
    );
    expect(none.body.total).toBe(0);
  });

  it('bad input is a 400 naming the field, nothing stored', async () => {
    const bad = await request('POST', '/v1/suppressions/batch', {
      key: a.key,
      body: { suppressions: [{ phone: uniqueNumber('+1647') }, { phone: '12345' }] },
    });
    expect(bad.status).toBe(400);
    expect(expectEnvelope(bad).param).toBe('suppressions[1].phone');
    const wrongReason = await suppress(a, { phone: uniqueNumber('+1647'), reason: 'because' });
    expect(expectEnvelope(wrongReason).param).toBe('reason');
    const count = await shardsDb
      .prepare("SELECT COUNT(*) AS n FROM suppressions WHERE account_id = ? AND phone LIKE '+1647%'")
      .bind(a.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it('the check reads the unique (account_id, phone, channel) index, never scans the list', async () => {
    const plan = await shardsDb
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM suppressions WHERE account_id = ? AND phone = ? AND channel IN (?, 'all') LIMIT 1",
      )
      .bind(a.id, '+14155550100', 'call')
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join(' | ');
    expect(details).toContain('USING INDEX suppressions_account_phone_channel');
    expect(details).not.toMatch(/SCAN suppressions/);
  });

  it('emits suppression.created', async () => {
    const phone = uniqueNumber('+1646');
    const added = (await suppress(a, { phone })).body;
    const events = await request('GET', '/v1/events?type=suppression.created&limit=100', { key: a.key });
    const ours = events.body.data.find((e: any) => e.data?.suppression?.id === added.id);
    expect(ours?.data.suppression).toMatchObject({ phone, channel: 'all' });
  });
});

describe('CSV import', () => {
  let a: TestAccount;
  beforeAll(async () => {
    a = await createRoomyAccount();
  });

  it('stores valid rows, reports bad ones by row, and counts existing entries', async () => {
    const good = [uniqueNumber('+1648'), uniqueNumber('+1648')];
    await suppress(a, { phone: good[1], channel: 'call' });
    const csv = `phone,channel,reason\n${good[0]},all,opted_out\n${good[1]},call,\nnot-a-number,all,\n${uniqueNumber('+1648')},sms,\n`;
    const r = await request('POST', '/v1/suppressions/import?source=crm-export', {
      key: a.key,
      raw: csv,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ rows: 4, created: 1, existing: 1, invalid: 2 });
    expect(r.body.errors.map((e: any) => e.row)).toEqual([4, 5]);
    const one = await request(
      'GET',
      `/v1/suppressions?include_total=true&phone=${encodeURIComponent(good[0])}`,
      { key: a.key },
    );
    expect(one.body.data[0]).toMatchObject({ reason: 'opted_out', source: 'crm-export', channel: 'all' });
  });

  it('a file that is wrong as a whole is a 422 naming body and stores nothing', async () => {
    const phone = uniqueNumber('+1649');
    for (const csv of [`phone,colour\n${phone},red\n`, `number\n${phone}\n`, '', '\n\n']) {
      const r = await request('POST', '/v1/suppressions/import', {
        key: a.key,
        raw: csv,
        headers: { 'Content-Type': 'text/csv' },
      });
      // Well-formed by the document (any text/csv body), wrong by its content: 422, not 400.
      expect(r.status, `${JSON.stringify(csv)} → ${r.text}`).toBe(422);
      expect(expectEnvelope(r).param).toBe('body');
    }
    const tooMany = `${Array.from({ length: 100_001 }, (_, i) => `+1415${String(i).padStart(7, '0')}`).join('\n')}\n`;
    const big = await request('POST', '/v1/suppressions/import', {
      key: a.key,
      raw: tooMany,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(big.status, big.text).toBe(422);
    const n = await shardsDb
      .prepare('SELECT COUNT(*) AS n FROM suppressions WHERE account_id = ?')
      .bind(a.id)
      .first<{ n: number }>();
    expect(n?.n).toBe(2); // only the first test's entries
  });

  it('100 000 rows are parsed in chunks that yield between them, and all land', async () => {
    const csv = Array.from({ length: 100_000 }, (_, i) => `+1212${String(i).padStart(7, '0')}`).join('\n');
    const chunks: number[] = [];
    const parsed = await parseSuppressionCsv(
      csv,
      { channel: 'all', reason: 'do_not_call', source: null },
      (n) => chunks.push(n),
    );
    expect(parsed.entries).toHaveLength(100_000);
    expect(chunks).toHaveLength(100_000 / PARSE_CHUNK_ROWS);
    expect(Math.max(...chunks)).toBe(PARSE_CHUNK_ROWS);

    const r = await request('POST', '/v1/suppressions/import', {
      key: a.key,
      raw: csv,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.body).toMatchObject({ rows: 100_000, created: 100_000, invalid: 0 });
    const blocked = await request('POST', '/v1/call', {
      key: a.key,
      body: { agent_id: a.agentId, recipient_phone: '+12120054321' },
    });
    expectSuppressed(blocked, 'recipient_phone');
  }, 120_000);
});

describe('a large import stores all or nothing', () => {
  afterEach(() => disarmFaults());

  it('a D1 failure after earlier chunks are stored deletes them: nothing of the import is left', async () => {
    const acct = await createRoomyAccount();
    const csv = Array.from({ length: 5000 }, (_, i) => `+1213${String(i).padStart(7, '0')}`).join('\n');
    // The third chunk never reaches D1; the first two (2 000 rows) are already stored by then.
    let hits = 0;
    armFault(
      env,
      'suppressions-between-batches',
      {
        kind: 'run',
        fn: () => {
          if (++hits === 2) throw new Error('D1 went away mid-import');
        },
      },
      5,
    );
    const r = await request('POST', '/v1/suppressions/import', {
      key: acct.key,
      raw: csv,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(r.status).toBe(500);
    expect(timesReached('suppressions-between-batches')).toBe(2);
    const n = await env.DB.prepare('SELECT COUNT(*) AS n FROM suppressions WHERE account_id = ?')
      .bind(acct.id)
      .first<{ n: number }>();
    expect(n?.n).toBe(0);
    // And a retry of the same file stores every row.
    const again = await request('POST', '/v1/suppressions/import', {
      key: acct.key,
      raw: csv,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(again.body).toMatchObject({ rows: 5000, created: 5000 });
  }, 60_000);
});

describe('a 1 000-entry batch writes its events with its rows', () => {
  afterEach(() => disarmFaults());
  const phones = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(7, '0')}`);
  const batch = (a: TestAccount, list: string[]) =>
    request('POST', '/v1/suppressions/batch', {
      key: a.key,
      body: { suppressions: list.map((phone) => ({ phone })) },
    });
  const endpoint = async (a: TestAccount) => {
    const r = await request('POST', '/v1/webhook_endpoints', {
      key: a.key,
      body: { url: receiverUrl('sup-batch'), events: ['suppression.created'] },
    });
    expect(r.status, r.text).toBe(201);
    return r.body as { id: string; url: string };
  };
  const count = async (sql: string, ...args: unknown[]) =>
    (
      await shardsDb
        .prepare(sql)
        .bind(...args)
        .first<{ n: number }>()
    )?.n ?? 0;

  it('one event and one delivery per new entry, none for entries already on the list', async () => {
    installReceiver();
    const a = await createRoomyAccount();
    const ep = await endpoint(a);
    const list = phones('+1312', 1000);
    for (const phone of list.slice(0, 3)) expect((await suppress(a, { phone })).status).toBe(201);
    const r = await batch(a, list);
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.body).toMatchObject({ created: 997, existing: 3 });
    const q = "SELECT COUNT(*) AS n FROM events WHERE account_id = ? AND type = 'suppression.created'";
    expect(await count(q, a.id)).toBe(1000);
    // Every stored entry has exactly one event naming it, and each event one delivery to the endpoint.
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM suppressions s WHERE s.account_id = ? AND (SELECT COUNT(*) FROM events e
           WHERE e.account_id = s.account_id AND e.data ->> '$.suppression.id' = s.id) = 1`,
        a.id,
      ),
    ).toBe(1000);
    expect(
      await count(
        'SELECT COUNT(*) AS n FROM deliveries WHERE account_id = ? AND endpoint_id = ?',
        a.id,
        ep.id,
      ),
    ).toBe(1000);
    // Queued and delivered (the batch's deliveries are sent once the batch has committed).
    await waitFor(() => deliveriesTo(ep.url).length >= 1000, { timeout: 60_000, what: '1 000 deliveries' });
  }, 90_000);

  it('a statement of the batch that fails leaves no entry and no event of it', async () => {
    const a = await createRoomyAccount();
    const ep = await endpoint(a);
    // In the window, the endpoint row goes away (hard): the deliveries' foreign key then fails inside the
    // one D1 batch that also holds the rows and the events.
    armFault(env, 'suppressions-before-event-batch', {
      kind: 'run',
      fn: () => shardsDb.prepare('DELETE FROM webhook_endpoints WHERE id = ?').bind(ep.id).run(),
    });
    const r = await batch(a, phones('+1313', 50));
    expect(r.status).toBe(500);
    expect(timesReached('suppressions-before-event-batch')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM suppressions WHERE account_id = ?', a.id)).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM events WHERE account_id = ?', a.id)).toBe(0);
  });
});

describe('batches skip suppressed numbers', () => {
  it('a suppressed number in a 1 000-recipient batch is never dialled, and the batch counts it', async () => {
    const acct = await createRoomyAccount();
    const phones = Array.from({ length: 1000 }, (_, i) => `+1415700${String(i).padStart(4, '0')}`);
    // Three suppressed for calls (all, call, and one added while the batch runs), one only for WhatsApp.
    await suppress(acct, { phone: phones[10], channel: 'all' });
    await suppress(acct, { phone: phones[500], channel: 'call' });
    await suppress(acct, { phone: phones[600], channel: 'whatsapp' });
    const r = await request('POST', '/v1/calls/batch', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipients: phones.map((phone) => ({ phone })),
        metadata: { simulate: { ring_seconds: 0, talk_seconds: 1 } },
      },
    });
    expect(r.status, r.text).toBe(201);
    await suppress(acct, { phone: phones[999], channel: 'all' });
    // Every recipient dialled or skipped, and every dial on the simulator's ledger (the provider's record).
    const ledger = async () =>
      (
        await shardsDb
          .prepare(
            'SELECT d.to_number AS phone FROM simulator_dials d JOIN calls c ON c.id = d.call_id WHERE c.batch_id = ?',
          )
          .bind(r.body.batch_id)
          .all<{ phone: string }>()
      ).results;
    let last = '';
    await waitFor(
      async () => {
        const b = (await request('GET', `/v1/batches/${r.body.batch_id}`, { key: acct.key })).body;
        last = JSON.stringify(b.counts);
        return b.counts.pending === 0 && (await ledger()).length >= 997;
      },
      { timeout: 600_000, interval: 2000, what: '1 000-recipient batch to dial' },
    ).catch((err) => {
      throw new Error(`${err.message}; counts ${last}`);
    });
    const batch = (await request('GET', `/v1/batches/${r.body.batch_id}`, { key: acct.key })).body;
    expect(batch.counts).toMatchObject({ suppressed: 3, pending: 0, not_dialed: 0 });
    const dialled = await ledger();
    expect(dialled).toHaveLength(997);
    const set = new Set(dialled.map((x) => x.phone));
    expect(set.size).toBe(997);
    for (const p of [phones[10], phones[500], phones[999]]) expect(set.has(p)).toBe(false);
    expect(set.has(phones[600])).toBe(true);
  }, 660_000);
});

describe('automatic entries', () => {
  it('recognises STOP and its variants, not sentences that merely contain them', () => {
    for (const t of [
      'STOP',
      'stop',
      ' Stop! ',
      'stop.',
      'STOPALL',
      'Stop all',
      'unsubscribe',
      'CANCEL',
      'end',
      'Quit',
      'opt-out',
      'OPTOUT',
      'revoke',
      'ＳＴＯＰ',
    ])
      expect(isOptOutText(t), t).toBe(true);
    for (const t of ['please stop by tomorrow', 'stopwatch', "don't stop", 'start', 'ok', 'the end is near'])
      expect(isOptOutText(t), t).toBe(false);
  });

  it('a WhatsApp STOP reply suppresses the sender, and the next send is 422', async () => {
    const acct = await createAccount();
    const other = await createAccount();
    const phone = uniqueNumber('+1654');
    expect(
      (await request('POST', '/v1/messages', { key: acct.key, body: template(acct, phone) })).status,
    ).toBeLessThan(300);
    const reply = await request('POST', '/v1/simulator/whatsapp_messages', {
      key: acct.key,
      body: { from: phone, text: 'Stop.' },
    });
    expect(reply.status, reply.text).toBe(201);
    const list = await request(
      'GET',
      `/v1/suppressions?include_total=true&phone=${encodeURIComponent(phone)}`,
      {
        key: acct.key,
      },
    );
    expect(list.body.data[0]).toMatchObject({
      channel: 'whatsapp',
      reason: 'opted_out',
      source: 'whatsapp_reply',
    });
    expectSuppressed(
      await request('POST', '/v1/messages', { key: acct.key, body: template(acct, phone) }),
      'to_number',
    );
    // Another account's conversation with the same person is untouched.
    expect(
      (await request('POST', '/v1/messages', { key: other.key, body: template(other, phone) })).status,
    ).toBeLessThan(300);
    // A message that is not an opt-out suppresses nothing.
    const chatty = uniqueNumber('+1654');
    await request('POST', '/v1/simulator/whatsapp_messages', {
      key: acct.key,
      body: { from: chatty, text: 'please stop by at noon' },
    });
    expect(
      (
        await request('GET', `/v1/suppressions?include_total=true&phone=${encodeURIComponent(chatty)}`, {
          key: acct.key,
        })
      ).body.total,
    ).toBe(0);
  });

  it('a call whose analysis reports an opt-out suppresses the number for calls', async () => {
    const acct = await createRoomyAccount();
    const phone = uniqueNumber('+1653');
    const call = await request('POST', '/v1/call', {
      key: acct.key,
      body: {
        agent_id: acct.agentId,
        recipient_phone: phone,
        metadata: { simulate: { ring_seconds: 0, talk_seconds: 1, outcome: 'do_not_call' } },
      },
    });
    expect(call.status, call.text).toBe(201);
    await waitFor(
      async () =>
        (
          await request('GET', `/v1/suppressions?include_total=true&phone=${encodeURIComponent(phone)}`, {
            key: acct.key,
          })
        ).body.total === 1,
      { timeout: 20_000, what: 'opt-out suppression' },
    );
    const entry = (
      await request('GET', `/v1/suppressions?include_total=true&phone=${encodeURIComponent(phone)}`, {
        key: acct.key,
      })
    ).body.data[0];
    expect(entry).toMatchObject({ channel: 'call', reason: 'opted_out', source: 'call_analysis' });
    expectSuppressed(
      await request('POST', '/v1/call', {
        key: acct.key,
        body: { agent_id: acct.agentId, recipient_phone: phone },
      }),
      'recipient_phone',
    );
  });
});
