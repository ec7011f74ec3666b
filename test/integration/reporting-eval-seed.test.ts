// The evaluation dataset lands in D1 exactly as the oracles see it: per-account counts, the answered /
// converted / payout columns, campaigns, bids, and a DST day, checked with plain SQL on the tables.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount, type TestAccount } from '../helpers/harness';
import { type Dataset, seedEvalDataset } from '../helpers/reporting-data';
import { zoned } from '../reporting-eval/time';
import { shardsDb } from '../helpers/shards';

let a: TestAccount;
let b: TestAccount;
let d: Dataset;
const one = async (sql: string, ...args: unknown[]) =>
  (await shardsDb
    .prepare(sql)
    .bind(...args)
    .first()) as Record<string, number | string>;

beforeAll(async () => {
  a = await createAccount();
  b = await createAccount();
  d = await seedEvalDataset(a.id, b.id);
}, 120_000);

describe('seedEvalDataset', () => {
  it('writes every row to its own account and sets the account time zone', async () => {
    for (const [acc, h] of [
      [a, d],
      [b, d.other],
    ] as const) {
      expect((await one('SELECT COUNT(*) AS n FROM calls WHERE account_id = ?', acc.id)).n).toBe(
        h.calls.length,
      );
      expect((await one('SELECT COUNT(*) AS n FROM messages WHERE account_id = ?', acc.id)).n).toBe(
        h.messages.length,
      );
      expect((await one('SELECT COUNT(*) AS n FROM rtb_bids WHERE account_id = ?', acc.id)).n).toBe(
        h.bids.length,
      );
      expect((await one('SELECT timezone FROM accounts WHERE id = ?', acc.id)).timezone).toBe(
        'America/New_York',
      );
    }
  });

  it('stores answered, converted, payout, duration and campaign as the oracles read them', async () => {
    const r = await one(
      `SELECT SUM(answered_at IS NOT NULL) AS answered, SUM(converted) AS converted, SUM(COALESCE(payout, 0)) AS payout,
        SUM(COALESCE(duration, 0)) AS duration, SUM(outcome = 'voicemail') AS voicemail FROM calls WHERE account_id = ?`,
      a.id,
    );
    expect(r.answered).toBe(d.calls.filter((x) => x.answered).length);
    expect(r.converted).toBe(d.calls.filter((x) => x.converted).length);
    expect(r.payout).toBeCloseTo(
      d.calls.reduce((s, x) => s + x.payout, 0),
      6,
    );
    expect(r.duration).toBe(d.calls.reduce((s, x) => s + x.duration, 0));
    expect(r.voicemail).toBe(d.calls.filter((x) => x.outcome === 'voicemail').length);
    const winback = await one(
      "SELECT COUNT(*) AS n FROM calls c JOIN batches b ON b.id = c.batch_id WHERE c.account_id = ? AND b.name = 'Winback'",
      a.id,
    );
    expect(winback.n).toBe(d.calls.filter((x) => x.campaign === 'Winback').length);
    const customer415 = await one(
      `SELECT COUNT(*) AS n FROM calls WHERE account_id = ?
        AND (CASE WHEN direction = 'inbound' THEN from_number ELSE to_number END) LIKE '+1415%'`,
      a.id,
    );
    expect(customer415.n).toBe(d.calls.filter((x) => x.customer.startsWith('+1415')).length);
  });

  it('stores bids won and rejected, and a 25-hour DST day, as the oracles read them', async () => {
    const r = await one(
      `SELECT SUM(call_id IS NOT NULL) AS won, SUM(reject_reason IS NOT NULL) AS rejected, COUNT(DISTINCT endpoint_id) AS endpoints
        FROM rtb_bids WHERE account_id = ?`,
      a.id,
    );
    expect(r.won).toBe(d.bids.filter((x) => x.won).length);
    expect(r.rejected).toBe(d.bids.filter((x) => x.reject_reason).length);
    expect(r.endpoints).toBe(2);
    const [s, e] = [
      zoned(2026, 11, 1, 0, 0, 'America/New_York'),
      zoned(2026, 11, 2, 0, 0, 'America/New_York'),
    ];
    expect(e - s).toBe(25 * 3600);
    const day = await one(
      'SELECT COUNT(*) AS n FROM calls WHERE account_id = ? AND created_at >= ? AND created_at < ?',
      a.id,
      s,
      e,
    );
    expect(day.n).toBe(d.calls.filter((x) => x.created_at >= s && x.created_at < e).length);
    expect(day.n).toBeGreaterThan(3);
  });
});
