// Issue #15 cursor pagination: `starting_after` / `ending_before` on every list, stable order by
// (created_at, id) even when many rows share a second, `total` only with include_total=true, and capped
// offsets (400 with param).
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createAccount, expectEnvelope, request, type TestAccount } from '../helpers/harness';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
const ids: string[] = []; // newest first, as the list orders them
beforeAll(async () => {
  a = await createAccount('business');
  const now = Math.floor(Date.now() / 1000);
  const stmts = [];
  // 9 calls: 3 distinct seconds, 3 calls in each, so the id must break ties.
  for (let i = 0; i < 9; i++) {
    const id = `call_pg_${i}_${crypto.randomUUID().slice(0, 8)}`;
    const createdAt = now - 1000 + Math.floor(i / 3) * 10;
    stmts.push(
      shardsDb
        .prepare(`INSERT INTO calls (id, account_id, direction, to_number, status, provider, max_duration, created_at, updated_at)
        VALUES (?, ?, 'outbound', '+14155550100', 'completed', 'simulator', 1800, ?, ?)`)
        .bind(id, a.id, createdAt, createdAt),
    );
    ids.push(`${createdAt}|${id}`);
  }
  await shardsDb.batch(stmts);
  ids.sort().reverse();
  ids.splice(0, ids.length, ...ids.map((s) => s.split('|')[1]));
});

const list = (q: string) => request('GET', `/v1/calls?${q}`, { key: a.key });

describe('cursor pagination', () => {
  it('starting_after walks every item once, newest first, across ties in created_at', async () => {
    const seen: string[] = [];
    let q = 'limit=2';
    for (let page = 0; page < 10; page++) {
      const r = await list(q);
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((c: any) => c.id));
      if (!r.body.has_more) break;
      q = `limit=2&starting_after=${seen.at(-1)}`;
    }
    expect(seen).toEqual(ids);
  });

  it('ending_before walks back to the newest, each page in list order', async () => {
    const last = await list(`limit=2&starting_after=${ids[6]}`); // the two oldest
    expect(last.body.data.map((c: any) => c.id)).toEqual([ids[7], ids[8]]);
    expect(last.body.has_more).toBe(false);
    const before = await list(`limit=3&ending_before=${ids[7]}`);
    expect(before.body.data.map((c: any) => c.id)).toEqual([ids[4], ids[5], ids[6]]);
    expect(before.body.has_more).toBe(true); // ids[0..3] are newer still
    const top = await list(`limit=3&ending_before=${ids[3]}`);
    expect(top.body.data.map((c: any) => c.id)).toEqual([ids[0], ids[1], ids[2]]);
    expect(top.body.has_more).toBe(false);
  });

  it('a new item created while paging does not shift the next page (unlike offset)', async () => {
    const first = await list('limit=3');
    const newest = `call_pg_new_${crypto.randomUUID().slice(0, 8)}`;
    const t = Math.floor(Date.now() / 1000);
    await shardsDb
      .prepare(`INSERT INTO calls (id, account_id, direction, to_number, status, provider, max_duration, created_at, updated_at)
      VALUES (?, ?, 'outbound', '+14155550100', 'completed', 'simulator', 1800, ?, ?)`)
      .bind(newest, a.id, t, t)
      .run();
    try {
      const next = await list(`limit=3&starting_after=${first.body.data[2].id}`);
      expect(next.body.data.map((c: any) => c.id)).toEqual(ids.slice(3, 6));
      const byOffset = await list('limit=3&offset=3');
      expect(byOffset.body.data[0].id).toBe(ids[2]); // offset pages shift by the new row
    } finally {
      await shardsDb.prepare('DELETE FROM calls WHERE id = ?').bind(newest).run();
    }
  });

  it('total only with include_total=true; has_more without it', async () => {
    const plain = await list('limit=4');
    expect(plain.body.total).toBeUndefined();
    expect(plain.body.has_more).toBe(true);
    expect(plain.body).toMatchObject({ object: 'list', limit: 4, offset: 0 });
    const counted = await list('limit=4&include_total=true');
    expect(counted.body.total).toBe(9);
    const withCursor = await list(`limit=4&include_total=true&starting_after=${ids[1]}`);
    expect(withCursor.body.total).toBe(9);
    expect((await list('include_total=yes')).status).toBe(400);
  });

  it('offset stays for Movoice clients, capped at 10 000 (400 naming offset)', async () => {
    const page = await list('limit=2&offset=2');
    expect(page.body.data.map((c: any) => c.id)).toEqual(ids.slice(2, 4));
    expect((await list('offset=10000')).status).toBe(200);
    const over = await list('offset=10001');
    expect(over.status).toBe(400);
    expect(expectEnvelope(over).param).toBe('offset');
    expect(expectEnvelope(over).message).toMatch(/starting_after/);
  });

  it('both cursors bound a window; offset with a cursor skips past it; a cursor from another account is 404', async () => {
    const both = await list(`starting_after=${ids[0]}&ending_before=${ids[4]}`);
    expect(both.body.data.map((c: any) => c.id)).toEqual(ids.slice(1, 4));
    expect(both.body.has_more).toBe(false);
    const narrow = await list(`limit=2&starting_after=${ids[0]}&ending_before=${ids[8]}`);
    expect(narrow.body.data.map((c: any) => c.id)).toEqual(ids.slice(1, 3));
    expect(narrow.body.has_more).toBe(true);
    const withOffset = await list(`limit=2&starting_after=${ids[0]}&offset=2`);
    expect(withOffset.body.data.map((c: any) => c.id)).toEqual(ids.slice(3, 5));
    const other = await createAccount('starter');
    const foreign = await request('GET', `/v1/calls?starting_after=${ids[0]}`, { key: other.key });
    expect(foreign.status).toBe(404);
    expect(expectEnvelope(foreign).param).toBe('starting_after');
    const unknown = await list('ending_before=call_nope');
    expect(unknown.status).toBe(404);
    expect(expectEnvelope(unknown).param).toBe('ending_before');
  });

  it('every list operation takes the cursors and include_total', async () => {
    const b = await createAccount('business');
    // One more agent and number, so each of these lists has at least two items to page between.
    await request('POST', '/v1/agents', { key: b.key, body: { name: 'second', prompt: 'p' } });
    await request('POST', '/v1/webhook_endpoints', {
      key: b.key,
      body: { url: 'https://hooks.example.com/a', events: ['*'] },
    });
    await request('POST', '/v1/webhook_endpoints', {
      key: b.key,
      body: { url: 'https://hooks.example.com/b', events: ['*'] },
    });
    for (const path of ['/v1/agents', '/v1/phone_numbers', '/v1/webhook_endpoints']) {
      const all = await request('GET', `${path}?include_total=true`, { key: b.key });
      expect(all.status, path).toBe(200);
      expect(all.body.total, path).toBe(all.body.data.length);
      if (all.body.data.length < 2) continue;
      const next = await request('GET', `${path}?limit=1&starting_after=${all.body.data[0].id}`, {
        key: b.key,
      });
      expect(next.body.data[0].id, path).toBe(all.body.data[1].id);
      const prev = await request('GET', `${path}?limit=1&ending_before=${all.body.data[1].id}`, {
        key: b.key,
      });
      expect(prev.body.data[0].id, path).toBe(all.body.data[0].id);
    }
    for (const path of ['/v1/batches', '/v1/events', '/v1/messages', '/v1/rtb_endpoints', '/v1/calls']) {
      const r = await request('GET', `${path}?include_total=true&starting_after=nope_1`, { key: b.key });
      expect(r.status, path).toBe(404);
      expect(expectEnvelope(r).param, path).toBe('starting_after');
      expect((await request('GET', `${path}?offset=10001`, { key: b.key })).status, path).toBe(400);
    }
  });
});
