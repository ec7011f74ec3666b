// The Reporting AI against the BLIND-3 evaluation set (test/reporting-eval/families/blind3-*.ts):
// phrasings written without reading the translator, its tests, the tuned set or the held-out set's
// phrasings, then measured ONCE (the figure recorded below). Every phrasing is asked through the API at
// the set's reference time over the seeded dataset and classified right / declined / wrong with the same
// classify() as the other sets. Declines do not fail the suite; a must-decline question answered does,
// and so does wrong above the recorded blind figure (the goal is ≤ 1 %).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { classify } from '../helpers/eval-classify';
import { createAccount, request, type TestAccount } from '../helpers/harness';
import { seedEvalDataset } from '../helpers/reporting-data';
import { AGENTS, BID_CAMPAIGNS, CAMPAIGNS, EVAL_CTX, evalDataset } from '../reporting-eval/dataset';
import { blind3Families, blind3MustDecline, blind3Mutations } from '../reporting-eval/families/blind3-set';
import {
  heldoutFamilies,
  heldoutMustDecline,
  heldoutMutations,
} from '../reporting-eval/families/heldout-set';
import { translate } from '../../src/reporting/translator';
import {
  type Expected,
  close,
  inScope,
  mustDecline,
  mutations,
  NOW,
  TIMEZONE,
} from '../reporting-eval/questions';

const norm = (q: string) =>
  q
    .toLowerCase()
    .replace(/[^a-z0-9%$]+/g, ' ')
    .trim();
const numbers = (e: Expected): number[] => {
  if (e.kind === 'scalar') return [e.value];
  if (e.kind === 'compare') return [e.current, e.previous];
  if (e.kind === 'groups') return Object.values(e.values);
  return Object.values(e.values).flatMap((v) => (typeof v === 'number' ? [v] : Object.values(v)));
};

describe('the blind-3 set itself', () => {
  const d = evalDataset();
  it('has ≥ 400 in-scope phrasings in ≥ 60 families of 5–8, ≥ 100 must-decline and ≥ 12 qualifiers', () => {
    const n = blind3Families.reduce((a, f) => a + f.phrasings.length, 0);
    expect(n).toBeGreaterThanOrEqual(400);
    expect(blind3Families.length).toBeGreaterThanOrEqual(60);
    expect(blind3MustDecline.length).toBeGreaterThanOrEqual(100);
    expect(blind3Mutations.length).toBeGreaterThanOrEqual(12);
    expect(new Set(blind3Families.map((f) => f.id)).size).toBe(blind3Families.length);
    for (const f of blind3Families) {
      expect(f.phrasings.length, f.id).toBeGreaterThanOrEqual(5);
      expect(f.phrasings.length, f.id).toBeLessThanOrEqual(8);
    }
  });
  it('shares no phrasing or qualifier with the tuned or held-out sets and repeats none of its own', () => {
    const seen = new Set(
      [
        ...inScope.map((x) => x.q),
        ...mustDecline.map((x) => x.q),
        ...heldoutFamilies.flatMap((f) => f.phrasings),
        ...heldoutMustDecline.map((x) => x.q),
      ].map(norm),
    );
    const theirMutations = [...mutations, ...heldoutMutations].map(norm);
    expect(blind3Mutations.filter((m) => theirMutations.includes(norm(m)))).toEqual([]);
    const mine = [...blind3Families.flatMap((f) => f.phrasings), ...blind3MustDecline.map((x) => x.q)].map(
      norm,
    );
    expect(mine.filter((q) => seen.has(q))).toEqual([]);
    expect(mine.filter((q, i) => mine.indexOf(q) !== i)).toEqual([]);
  });
  it('has oracles that give finite numbers over non-empty data, not all zero', () => {
    // An all-zero expectation could not tell a wrong filter from a right one.
    const bad = blind3Families.filter((f) =>
      [f.expect, ...(f.also ?? [])].some((o) => {
        const xs = numbers(o(d, EVAL_CTX));
        return !xs.length || !xs.every(Number.isFinite) || xs.every((x) => x === 0);
      }),
    );
    expect(bad.map((f) => f.id)).toEqual([]);
  });
});

// The BLIND figures, measured on 2026-12-05 on the set's first run, before anyone tuned on it (see the
// report in the commit): 497 in-scope phrasings → right 427 (85.9 %), declined 58 (11.7 %), wrong 12
// (2.4 %, the ≤ 1 % goal not met); 9 of 119 must-decline questions answered (listed below); 0 of 994
// mutated questions answered. (One of the first run's 12 wrong was an ambiguous phrasing of this set,
// since replaced by an unambiguous one that is also answered wrong: the figure is unchanged.)
// The nine leaked then: 'answer rate for Spanish calls last week', 'busy hours', 'how many calls were
// long last week', 'total payout from calls paying more than $30 per call last month', 'sum of payouts
// for calls over $25 per call this month', 'calls on February 30', 'how many calls on November 31',
// 'calls between November 10 and November 5', 'calls on the 32nd of October'.
//
// AFTER FIXING FROM IT (2026-12-05, by kind: share bases, the share of a negated property, "past",
// weekday + date, impossible dates and backwards ranges, a filter set off from a measure list, bid
// payout over accepted bids, language adjectives, "busy hours", bare "long", a payout threshold "per
// call"; then honest shorthand): right 486 (97.8 %), declined 11 (2.2 %), wrong 0; 0 of 119
// must-decline answered; 0 of 994 mutated answered. That figure is an UPPER BOUND — the set is no
// longer blind, since its failures were read — and only a new set written away from the code measures
// the translator honestly again.
// These guard against regression only: lower them as the translator improves, never raise them or
// loosen an oracle, and fix from a failure's kind, never by adding a listed phrasing.
/** Right answers at the last recorded run: a drop is a regression (guarded like wrong answers and leaks). */
const RECORDED_RIGHT = 486;
const RECORDED_WRONG = 0;
/** Must-decline questions answered (none since the fixes): no other may be answered. */
const RECORDED_LEAKS: string[] = [];
const RECORDED_MUTATIONS_ANSWERED = 0;

let a: TestAccount;
beforeAll(async () => {
  const limits = { reporting_per_minute: 1_000_000 };
  a = await createAccount('enterprise', { timezone: TIMEZONE, limits });
  const other = await createAccount('enterprise', { timezone: TIMEZONE, limits });
  await seedEvalDataset(a.id, other.id);
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
}, 120_000);
afterAll(() => {
  vi.useRealTimers();
});

interface Reply {
  status: number;
  sql: string | null;
  data: unknown;
  answer: string;
}
/** In-scope questions must get a 200; a must-decline question may also be refused with a 400 (never a 5xx). */
async function ask(query: string, allow400 = false): Promise<Reply> {
  const r = await request('POST', '/reporting_ai/query', { key: a.key, body: { query } });
  if (allow400 && r.status === 400) return { status: 400, sql: null, data: null, answer: `400 ${r.text}` };
  expect(r.status, `${query}: ${r.text}`).toBe(200);
  const b = r.body as { sql: string | null; data: unknown; answer: string };
  return { status: 200, ...b };
}
async function inBatches<T, R>(xs: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < xs.length; i += n) out.push(...(await Promise.all(xs.slice(i, i + n).map(fn))));
  return out;
}

describe('the Reporting AI on the blind-3 set', () => {
  it('answers no must-decline question and is wrong on no more in-scope questions than recorded', async () => {
    const d = evalDataset();
    const tally = { right: 0, declined: 0, wrong: 0 };
    const byKind: Record<string, typeof tally> = {};
    const wrong: string[] = [];
    const declined: string[] = [];
    const jobs = blind3Families.flatMap((f) =>
      f.phrasings.map((q) => ({ f, q, want: [f.expect, ...(f.also ?? [])].map((o) => o(d, EVAL_CTX)) })),
    );
    const answers = await inBatches(jobs, 8, (j) => ask(j.q));
    for (const [i, { f, q, want }] of jobs.entries()) {
      const res = answers[i];
      const verdict =
        res.sql === null ? 'declined' : want.some((w) => classify(w, res.data, close)) ? 'right' : 'wrong';
      tally[verdict]++;
      byKind[f.kind] ??= { right: 0, declined: 0, wrong: 0 };
      byKind[f.kind][verdict]++;
      if (verdict === 'wrong')
        wrong.push(
          `[${f.kind} ${f.id}] ${q}\n    expected ${JSON.stringify(want[0]).slice(0, 400)}\n    got      ${JSON.stringify(res.data).slice(0, 400)}\n    answer   ${res.answer.slice(0, 240)}\n    sql      ${res.sql}`,
        );
      if (verdict === 'declined') declined.push(`[${f.kind} ${f.id}] ${q} → ${res.answer.slice(0, 160)}`);
    }
    const leaks: string[] = [];
    const leaked: string[] = [];
    const declines = await inBatches(blind3MustDecline, 8, (m) => ask(m.q, true));
    for (const [i, m] of blind3MustDecline.entries()) {
      const res = declines[i];
      if (res.sql !== null) leaked.push(m.q);
      if (res.sql !== null)
        leaks.push(
          `[${m.why}] ${m.q}\n    data   ${JSON.stringify(res.data).slice(0, 200)}\n    answer ${res.answer.slice(0, 240)}\n    sql    ${res.sql}`,
        );
    }
    const n = jobs.length;
    const pct = (x: number) => ((100 * x) / n).toFixed(1);
    console.log(
      `BLIND-3: ${n} in-scope questions (${blind3Families.length} families): right ${tally.right} (${pct(tally.right)} %), declined ${tally.declined} (${pct(tally.declined)} %), wrong ${tally.wrong} (${pct(tally.wrong)} %); must-decline ${blind3MustDecline.length}: answered ${leaks.length}`,
    );
    console.log(
      Object.entries(byKind)
        .map(([k, t]) => `  ${k}: right ${t.right}, declined ${t.declined}, wrong ${t.wrong}`)
        .join('\n'),
    );
    console.log(['WRONG:', ...wrong].join('\n'));
    console.log(['ANSWERED BUT MUST DECLINE:', ...leaks].join('\n'));
    console.log(['DECLINED:', ...declined].join('\n'));
    // The goals: 0 must-decline answered, wrong ≤ 1 %. Guarded at the recorded blind figures.
    expect(leaked.filter((q) => !RECORDED_LEAKS.includes(q))).toEqual([]);
    expect(tally.wrong).toBeLessThanOrEqual(RECORDED_WRONG);
    expect(tally.right).toBeGreaterThanOrEqual(RECORDED_RIGHT);
  }, 600_000);
});

describe('blind-3 unknown qualifiers', () => {
  it('declines every blind-3 phrasing with a blind-3 qualifier inserted', () => {
    const ctx = { now: NOW, timezone: TIMEZONE, agents: AGENTS, campaigns: [...CAMPAIGNS, ...BID_CAMPAIGNS] };
    const answered: string[] = [];
    let tried = 0;
    blind3Families.forEach((f, i) => {
      f.phrasings.forEach((q, j) => {
        // Two qualifiers per phrasing: one appended, one after its first two words.
        const m1 = blind3Mutations[(i + j) % blind3Mutations.length];
        const m2 = blind3Mutations[(i + 2 * j + 5) % blind3Mutations.length];
        const base = q.replace(/[?.!\s]+$/, '');
        const words = base.split(' ');
        for (const mutated of [`${base} ${m1}?`, [...words.slice(0, 2), m2, ...words.slice(2)].join(' ')]) {
          tried++;
          if (translate(mutated, ctx).ok) answered.push(mutated);
        }
      });
    });
    console.log(
      `BLIND-3 mutation test: ${tried} questions with an unknown qualifier, ${answered.length} answered`,
    );
    if (answered.length) console.log(answered.join('\n'));
    expect(answered).toHaveLength(RECORDED_MUTATIONS_ANSWERED);
  });
});
