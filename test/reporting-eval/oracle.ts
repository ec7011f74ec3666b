// Plain-TypeScript building blocks for the oracles: expected-value shapes, statistics and grouping over
// the in-memory rows of dataset.ts. Nothing here calls project code or SQL.
import { type Dataset, type EvalCall, areaCodeOf, countryOf, stateOf } from './dataset';
import { type Ctx, type Range, WEEKDAYS, inRange, local } from './time';

export type Unit = 'count' | 'seconds' | 'minutes' | 'hours' | 'percent' | 'usd';
export type Expected =
  | { kind: 'scalar'; value: number; unit?: Unit }
  | { kind: 'groups'; values: Record<string, number>; unit?: Unit }
  | { kind: 'compare'; current: number; previous: number }
  | { kind: 'multi'; values: Record<string, number | Record<string, number>> };
export type Oracle = (d: Dataset, ctx: Ctx) => Expected;

export type Kind =
  | 'count'
  | 'rate'
  | 'negation'
  | 'threshold'
  | 'order_stat'
  | 'per_unit'
  | 'units'
  | 'time'
  | 'breakdown'
  | 'compare'
  | 'place'
  | 'multi'
  | 'messages'
  | 'bids';

export interface Family {
  id: string;
  kind: Kind;
  /** 5–10 ways a user might type the same question. */
  phrasings: string[];
  expect: Oracle;
}
export const family = (id: string, kind: Kind, phrasings: string[], expect: Oracle): Family => ({
  id,
  kind,
  phrasings,
  expect,
});

export const scalar = (value: number, unit: Unit = 'count'): Expected => ({ kind: 'scalar', value, unit });
export const groups = (values: Record<string, number>, unit: Unit = 'count'): Expected => ({
  kind: 'groups',
  values,
  unit,
});
export const compare = (current: number, previous: number): Expected => ({
  kind: 'compare',
  current,
  previous,
});

/** Percent 0–100; NaN (caught by the self-test) when nothing is in the denominator. */
export const pct = (part: number, whole: number) => (whole ? (100 * part) / whole : Number.NaN);
export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const avg = (xs: number[]) => (xs.length ? sum(xs) / xs.length : Number.NaN);
export const max = (xs: number[]) => (xs.length ? Math.max(...xs) : Number.NaN);
export const min = (xs: number[]) => (xs.length ? Math.min(...xs) : Number.NaN);
/** Linear interpolation between closest ranks (numpy's default, PostgreSQL's percentile_cont). */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * (p / 100);
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}
export const median = (xs: number[]) => percentile(xs, 50);

/** Rows of one kind within a range and matching every predicate. */
export function pick<T extends { created_at: number }>(
  rows: T[],
  r: Range,
  ...ps: Array<(x: T) => boolean>
): T[] {
  const inR = inRange(r);
  return rows.filter((x) => inR(x) && ps.every((p) => p(x)));
}
export const calls = (d: Dataset, r: Range, ...ps: Array<(x: EvalCall) => boolean>) =>
  pick(d.calls, r, ...ps);

/** Group rows by key, then reduce each group (keys with no rows are absent, as with SQL GROUP BY). */
export function groupBy<T>(
  rows: T[],
  key: (x: T) => string | null,
  reduce: (xs: T[]) => number,
): Record<string, number> {
  const m = new Map<string, T[]>();
  for (const x of rows) {
    const k = key(x);
    if (k === null) continue;
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return Object.fromEntries([...m].map(([k, xs]) => [k, reduce(xs)]));
}
export const count = (xs: unknown[]) => xs.length;

// Predicates on calls.
export const inbound = (x: { direction: string }) => x.direction === 'inbound';
export const outbound = (x: { direction: string }) => x.direction === 'outbound';
export const answered = (x: EvalCall) => x.answered;
export const converted = (x: EvalCall) => x.converted;
export const voicemail = (x: EvalCall) => x.outcome === 'voicemail';
export const status = (s: string) => (x: { status: string }) => x.status === s;
export const agent = (a: string) => (x: { agent: string }) => x.agent === a;
export const not =
  <T>(p: (x: T) => boolean) =>
  (x: T) =>
    !p(x);

// Dimensions (group keys). Days 'YYYY-MM-DD', hours '00'–'23', weekdays 'Monday'…, months 'YYYY-MM',
// countries ISO 3166 alpha-2, states USPS codes, area codes three digits; calls outside a batch 'none'.
export const byDay = (c: Ctx) => (x: { created_at: number }) => local(x.created_at, c.tz).date;
export const byHour = (c: Ctx) => (x: { created_at: number }) =>
  String(local(x.created_at, c.tz).h).padStart(2, '0');
export const byWeekday = (c: Ctx) => (x: { created_at: number }) => WEEKDAYS[local(x.created_at, c.tz).wd];
export const byMonth = (c: Ctx) => (x: { created_at: number }) => local(x.created_at, c.tz).date.slice(0, 7);
export const byAgent = (x: { agent: string }) => x.agent;
export const byCampaign = (x: { campaign: string | null }) => x.campaign ?? 'none';
export const byCountry = (x: EvalCall) => countryOf(x.customer);
export const byUsState = (x: EvalCall) => (countryOf(x.customer) === 'US' ? stateOf(x.customer) : null);
export const byAreaCode = (x: EvalCall) => areaCodeOf(x.customer);

export const durations = (xs: EvalCall[]) => xs.map((x) => x.duration);
export const payouts = (xs: EvalCall[]) => xs.map((x) => x.payout);
/** Average duration is over answered calls (unanswered calls have no duration). */
export const avgDuration = (xs: EvalCall[]) => avg(durations(xs.filter(answered)));
export const answerRate = (xs: EvalCall[]) => pct(xs.filter(answered).length, xs.length);
export const conversionRate = (xs: EvalCall[]) => pct(xs.filter(converted).length, xs.length);

/**
 * How a consumer should compare: counts exactly; other values within 0.051 absolute (answers rounded
 * to one decimal) or 0.1 % relative, whichever is larger; a group missing on either side counts as 0.
 */
export function close(expected: number, actual: number, unit?: Unit): boolean {
  if (unit === 'count' && Number.isInteger(expected)) return expected === actual;
  return Math.abs(expected - actual) <= Math.max(0.051, Math.abs(expected) * 0.001);
}
