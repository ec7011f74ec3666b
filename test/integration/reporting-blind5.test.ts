// The Reporting AI against the BLIND-5 evaluation set (test/reporting-eval/families/blind5-*.ts): a
// small, time-boxed set of phrasings written without reading the translator, its tests, or the tuned,
// held-out, blind-3 and blind-4 phrasings, then measured ONCE (the figure recorded below). Every phrasing is asked
// through the API at the set's reference time over the seeded dataset and classified right / declined /
// wrong with the same classify() as the other sets. Declines do not fail the suite; a must-decline
// question answered beyond those recorded does, and so does wrong above the recorded blind figure (the
// issue's goal is ≤ 1 %).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { classify } from '../helpers/eval-classify';
import { createAccount, request, type TestAccount } from '../helpers/harness';
import { seedEvalDataset } from '../helpers/reporting-data';
import { AGENTS, BID_CAMPAIGNS, CAMPAIGNS, EVAL_CTX, evalDataset } from '../reporting-eval/dataset';
import { blind3Families, blind3MustDecline, blind3Mutations } from '../reporting-eval/families/blind3-set';
import { blind4Families, blind4MustDecline, blind4Mutations } from '../reporting-eval/families/blind4-set';
import { blind5Families, blind5MustDecline, blind5Mutations } from '../reporting-eval/families/blind5-set';
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

describe('the blind-5 set itself', () => {
  const d = evalDataset();
  it('has ≥ 100 in-scope phrasings in ≥ 20 families of 5–8, ≥ 30 must-decline and ≥ 6 qualifiers', () => {
    const n = blind5Families.reduce((a, f) => a + f.phrasings.length, 0);
    expect(n).toBeGreaterThanOrEqual(100);
    expect(blind5Families.length).toBeGreaterThanOrEqual(20);
    expect(blind5MustDecline.length).toBeGreaterThanOrEqual(30);
    expect(blind5Mutations.length).toBeGreaterThanOrEqual(6);
    expect(new Set(blind5Families.map((f) => f.id)).size).toBe(blind5Families.length);
    for (const f of blind5Families) {
      expect(f.phrasings.length, f.id).toBeGreaterThanOrEqual(5);
      expect(f.phrasings.length, f.id).toBeLessThanOrEqual(8);
    }
  });
  it('shares no phrasing or qualifier with the tuned, held-out, blind-3 or blind-4 sets and repeats none of its own', () => {
    const seen = new Set(
      [
        ...inScope.map((x) => x.q),
        ...mustDecline.map((x) => x.q),
        ...heldoutFamilies.flatMap((f) => f.phrasings),
        ...heldoutMustDecline.map((x) => x.q),
        ...blind3Families.flatMap((f) => f.phrasings),
        ...blind3MustDecline.map((x) => x.q),
        ...blind4Families.flatMap((f) => f.phrasings),
        ...blind4MustDecline.map((x) => x.q),
      ].map(norm),
    );
    const theirMutations = [...mutations, ...heldoutMutations, ...blind3Mutations, ...blind4Mutations].map(
      norm,
    );
    expect(blind5Mutations.filter((m) => theirMutations.includes(norm(m)))).toEqual([]);
    const mine = [...blind5Families.flatMap((f) => f.phrasings), ...blind5MustDecline.map((x) => x.q)].map(
      norm,
    );
    expect(mine.filter((q) => seen.has(q))).toEqual([]);
    expect(mine.filter((q, i) => mine.indexOf(q) !== i)).toEqual([]);
  });
  it('has oracles that give finite numbers over non-empty data, not all zero', () => {
    // An all-zero expectation could not tell a wrong filter from a right one.
    const bad = blind5Families.filter((f) =>
      [f.expect, ...(f.also ?? [])].some((o) => {
        const xs = numbers(o(d, EVAL_CTX));
        return !xs.length || !xs.every(Number.isFinite) || xs.every((x) => x === 0);
      }),
    );
    expect(bad.map((f) => f.id)).toEqual([]);
  });
});

// The BLIND figures, measured on 2026-12-06 before anyone tuned on this set (load average 1.58):
// 200 in-scope phrasings (40 families) → right 184 (92.0 %), declined 14 (7.0 %), wrong 2 (1.0 %);
// 1 of 35 must-decline questions answered; 0 of 400 mutated questions answered.
// The two wrong: "last 30 days: 90th percentile call duration (min)" answered in seconds (1,197.5; the
// "(min)" unit dropped, expected 19.96 minutes), and "for yesterday pls: calls, answered calls,
// conversions" answered as ONE count of calls answered and converted (3; expected calls 21, answered 13,
// conversions 3). The leak: "how many inbound and outbound calls yesterday" answered as two counts
// (inbound 10, outbound 11) where the README says it is declined ("each, or either?").
// How it got there, honestly: the first run (the set as first written) gave right 188, declined 11,
// wrong 1 (the "(min)" one), the same leak; its self-check then found 20 phrasings (13 in-scope, 7
// must-decline) and 1 qualifier ("from the Denver office") already in the tuned, held-out, blind-3 or
// blind-4 sets — plain wording the translator may have been fixed on. They were replaced by fresh ones
// and the figure above is the set's run after that (no translator change in between; the 187 in-scope
// phrasings kept gave the same verdicts). Of the 13 fresh in-scope phrasings: 9 right, 3 declined, 1 wrong.
// These guard against regression only: lower RECORDED_WRONG and the leaks as the translator improves,
// raise RECORDED_RIGHT, never loosen an oracle, and fix from a failure's kind, never by adding a listed phrasing.
// After fixing the three by kind (2026-12-06: a unit in brackets, a period's own preposition before a
// list of measures, two values of one column sharing one noun asked back, and a second statistic left
// unread): right 186, declined 14, wrong 0; 0 of 35 must-decline answered — an upper bound, no longer blind.
/** Right answers at the last recorded run: a drop is a regression (guarded like wrong answers and leaks). */
const RECORDED_RIGHT = 186;
const RECORDED_WRONG = 0;
/** Must-decline questions answered at the last recorded run (none now): no other may be answered. */
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

describe('the Reporting AI on the blind-5 set', () => {
  it('answers no must-decline question and is wrong on no more in-scope questions than recorded', async () => {
    const d = evalDataset();
    const tally = { right: 0, declined: 0, wrong: 0 };
    const byKind: Record<string, typeof tally> = {};
    const wrong: string[] = [];
    const declined: string[] = [];
    const jobs = blind5Families.flatMap((f) =>
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
    const declines = await inBatches(blind5MustDecline, 8, (m) => ask(m.q, true));
    for (const [i, m] of blind5MustDecline.entries()) {
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
      `BLIND-5: ${n} in-scope questions (${blind5Families.length} families): right ${tally.right} (${pct(tally.right)} %), declined ${tally.declined} (${pct(tally.declined)} %), wrong ${tally.wrong} (${pct(tally.wrong)} %); must-decline ${blind5MustDecline.length}: answered ${leaks.length}`,
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

describe('blind-5 unknown qualifiers', () => {
  it('declines every blind-5 phrasing with a blind-5 qualifier inserted', () => {
    const ctx = { now: NOW, timezone: TIMEZONE, agents: AGENTS, campaigns: [...CAMPAIGNS, ...BID_CAMPAIGNS] };
    const answered: string[] = [];
    let tried = 0;
    blind5Families.forEach((f, i) => {
      f.phrasings.forEach((q, j) => {
        // Two qualifiers per phrasing: one appended, one after its first two words.
        const m1 = blind5Mutations[(i + j) % blind5Mutations.length];
        const m2 = blind5Mutations[(i + 2 * j + 5) % blind5Mutations.length];
        const base = q.replace(/[?.!\s]+$/, '');
        const words = base.split(' ');
        for (const mutated of [`${base} ${m1}?`, [...words.slice(0, 2), m2, ...words.slice(2)].join(' ')]) {
          tried++;
          if (translate(mutated, ctx).ok) answered.push(mutated);
        }
      });
    });
    console.log(
      `BLIND-5 mutation test: ${tried} questions with an unknown qualifier, ${answered.length} answered`,
    );
    if (answered.length) console.log(answered.join('\n'));
    expect(answered).toHaveLength(RECORDED_MUTATIONS_ANSWERED);
  });
});
