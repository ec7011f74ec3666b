// The Reporting AI against the independent evaluation set (test/reporting-eval/questions.ts, written
// from the data description, not from the translator): every phrasing is asked through the API at the
// set's reference time over its seeded dataset, and classified right / declined / wrong against its
// oracle. A set that lives beside the code is an upper bound on accuracy on unseen phrasings.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { translate } from '../../src/reporting/translator';
import { createAccount, request, type TestAccount } from '../helpers/harness';
import { seedEvalDataset } from '../helpers/reporting-data';
import {
  close,
  type Dataset,
  EVAL_CTX,
  families,
  mustDecline,
  mutations,
  NOW,
  TIMEZONE,
} from '../reporting-eval/questions';
import { AGENTS, BID_CAMPAIGNS, CAMPAIGNS } from '../reporting-eval/dataset';
import { classify } from '../helpers/eval-classify';

let a: TestAccount;
let data: Dataset;

beforeAll(async () => {
  const limits = { reporting_per_minute: 1_000_000 };
  a = await createAccount('enterprise', { timezone: TIMEZONE, limits });
  const other = await createAccount('enterprise', { timezone: TIMEZONE, limits });
  data = await seedEvalDataset(a.id, other.id);
  // The API reads the clock; the set's answers are fixed at its reference time.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
}, 120_000);
afterAll(() => {
  vi.useRealTimers();
});

async function inBatches<T, R>(xs: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < xs.length; i += n) out.push(...(await Promise.all(xs.slice(i, i + n).map(fn))));
  return out;
}

async function ask(query: string) {
  const r = await request('POST', '/reporting_ai/query', { key: a.key, body: { query } });
  expect(r.status, r.text).toBe(200);
  return r.body as { sql: string | null; data: unknown; answer: string };
}

describe('the evaluation set', () => {
  it('is right on ≥ 90 % of the in-scope questions, wrong on ≤ 1 %, and never answers a must-decline one', async () => {
    const tally = { right: 0, declined: 0, wrong: 0 };
    const byKind: Record<string, { right: number; declined: number; wrong: number }> = {};
    const wrong: string[] = [];
    const declined: string[] = [];
    // Asked a few at a time (D1 round trips overlap); each answer is classified on its own.
    const jobs = families.flatMap((f) => f.phrasings.map((q) => ({ f, q, want: f.expect(data, EVAL_CTX) })));
    const answers = await inBatches(jobs, 8, (j) => ask(j.q));
    for (const [i, { f, q, want }] of jobs.entries()) {
      {
        const res = answers[i];
        const verdict = res.sql === null ? 'declined' : classify(want, res.data, close) ? 'right' : 'wrong';
        tally[verdict]++;
        byKind[f.kind] ??= { right: 0, declined: 0, wrong: 0 };
        byKind[f.kind][verdict]++;
        if (verdict === 'wrong')
          wrong.push(
            `[${f.id}] ${q}\n    want ${JSON.stringify(want).slice(0, 160)}\n    got  ${JSON.stringify(res.data).slice(0, 160)}\n    sql  ${res.sql}`,
          );
        if (verdict === 'declined') declined.push(`[${f.id}] ${q} → ${res.answer.slice(0, 140)}`);
      }
    }
    let answeredMustDecline = 0;
    const leaks: string[] = [];
    const declines = await inBatches(mustDecline, 8, (m) => ask(m.q));
    for (const [i, m] of mustDecline.entries()) {
      const res = declines[i];
      if (res.sql !== null) {
        answeredMustDecline++;
        leaks.push(`[${m.why}] ${m.q} → ${res.sql}`);
      }
    }
    const n = tally.right + tally.declined + tally.wrong;
    const pct = (x: number) => ((100 * x) / n).toFixed(1);
    console.log(
      `Reporting AI on ${n} in-scope questions (${families.length} families): right ${tally.right} (${pct(tally.right)} %), declined ${tally.declined} (${pct(tally.declined)} %), wrong ${tally.wrong} (${pct(tally.wrong)} %); must-decline ${mustDecline.length}: answered ${answeredMustDecline}`,
    );
    console.log(
      Object.entries(byKind)
        .map(([k, t]) => `  ${k}: right ${t.right}, declined ${t.declined}, wrong ${t.wrong}`)
        .join('\n'),
    );
    if (wrong.length || leaks.length)
      console.log(['WRONG:', ...wrong, 'ANSWERED BUT MUST DECLINE:', ...leaks].join('\n'));
    console.log(['DECLINED:', ...declined].join('\n'));
    expect(n).toBeGreaterThanOrEqual(400);
    expect(mustDecline.length).toBeGreaterThanOrEqual(100);
    expect(answeredMustDecline).toBe(0);
    expect(tally.wrong / n).toBeLessThanOrEqual(0.01);
    expect(tally.right / n).toBeGreaterThanOrEqual(0.9);
    // The recorded run's right answers (2026-12-06): a drop is a regression even above 90 %.
    expect(tally.right).toBeGreaterThanOrEqual(636);
  }, 240_000);
});

describe('unknown qualifiers', () => {
  it('every in-scope question with an unknown qualifier inserted is declined, never answered unqualified', () => {
    const ctx = { now: NOW, timezone: TIMEZONE, agents: AGENTS, campaigns: [...CAMPAIGNS, ...BID_CAMPAIGNS] };
    const answered: string[] = [];
    let tried = 0;
    families.forEach((f, i) => {
      f.phrasings.forEach((q, j) => {
        // Each phrasing gets two qualifiers: one appended, one inserted after its first three words.
        const m1 = mutations[(i + j) % mutations.length];
        const m2 = mutations[(i + j + 5) % mutations.length];
        const base = q.replace(/[?.!\s]+$/, '');
        const words = base.split(' ');
        for (const mutated of [`${base} ${m1}?`, [...words.slice(0, 3), m2, ...words.slice(3)].join(' ')]) {
          tried++;
          if (translate(mutated, ctx).ok) answered.push(mutated);
        }
      });
    });
    console.log(`mutation test: ${tried} questions with an unknown qualifier, ${answered.length} answered`);
    if (answered.length) console.log(answered.slice(0, 40).join('\n'));
    expect(answered).toEqual([]);
  });
});
