// Wall-clock helpers for the evaluation set, written on Intl alone so the oracles share no code with
// src/ (src/lib/zoned-time.ts is what the product uses; this is the independent computation).
// Instants are unix seconds; ranges are half-open [start, end).

export interface Ctx {
  /** The reference moment in epoch milliseconds (= NOW in test/helpers/reporting-data.ts). */
  now: number;
  /** The account's IANA time zone. */
  tz: string;
}
export type Range = [start: number, end: number];
export interface Local {
  y: number;
  m: number;
  d: number;
  h: number;
  /** 0 = Monday … 6 = Sunday. */
  wd: number;
  /** 'YYYY-MM-DD' */
  date: string;
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const fmts = new Map<string, Intl.DateTimeFormat>();
const pad = (n: number) => String(n).padStart(2, '0');

function parts(t: number, tz: string): Record<string, string> {
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    fmts.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(new Date(t * 1000))) p[x.type] = x.value;
  return p;
}

/** The wall clock in `tz` at unix second `t`. */
export function local(t: number, tz: string): Local {
  const p = parts(t, tz);
  const y = Number(p.year);
  const m = Number(p.month);
  const d = Number(p.day);
  const wd = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday);
  return { y, m, d, h: Number(p.hour), wd, date: `${y}-${pad(m)}-${pad(d)}` };
}

/** Seconds east of UTC that `tz` shows at unix second `t` (whole-minute zones only). */
function offsetAt(t: number, tz: string): number {
  const p = parts(t, tz);
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
  );
  return asUtc / 1000 - Math.floor(t / 60) * 60;
}

/** The unix second at which `tz` reads y-m-d h:mi (the first such moment when the hour repeats). */
export function zoned(y: number, m: number, d: number, h: number, mi: number, tz: string): number {
  const guess = Date.UTC(y, m - 1, d, h, mi) / 1000;
  const a = guess - offsetAt(guess - 86400 / 2, tz);
  const b = guess - offsetAt(guess, tz);
  // Try the earlier offset first so a repeated hour resolves to its first occurrence.
  for (const t of a <= b ? [a, b] : [b, a]) {
    const l = local(t, tz);
    if (l.y === y && l.m === m && l.d === d && l.h === h) return t;
  }
  return b; // a wall time skipped by a spring-forward change: take the moment after the gap
}

/** Calendar arithmetic on local dates (no clock involved). */
export function addDays(y: number, m: number, d: number, n: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}
export const dayStart = (y: number, m: number, d: number, tz: string) => zoned(y, m, d, 0, 0, tz);
const nowS = (c: Ctx) => Math.floor(c.now / 1000);
const todayOf = (c: Ctx) => local(nowS(c), c.tz);

/** Whole local day `n` days before today (0 = today, up to now). */
export function dayAgo(c: Ctx, n: number): Range {
  const t = todayOf(c);
  const [y, m, d] = addDays(t.y, t.m, t.d, -n);
  const [y2, m2, d2] = addDays(y, m, d, 1);
  return [dayStart(y, m, d, c.tz), Math.min(dayStart(y2, m2, d2, c.tz), nowS(c))];
}
export const today = (c: Ctx) => dayAgo(c, 0);
export const yesterday = (c: Ctx) => dayAgo(c, 1);
/** Rolling windows that end now: "last hour", "last 24 hours", "last 7 days" (n × 86 400 s). */
export const lastHours = (c: Ctx, n: number): Range => [nowS(c) - n * 3600, nowS(c)];
export const lastDays = (c: Ctx, n: number): Range => [nowS(c) - n * 86400, nowS(c)];

/** Monday-based weeks: 0 = this week (to now), 1 = last week, 2 = the week before. */
export function week(c: Ctx, back: number): Range {
  const t = todayOf(c);
  const [y, m, d] = addDays(t.y, t.m, t.d, -t.wd - 7 * back);
  const [y2, m2, d2] = addDays(y, m, d, 7);
  return [dayStart(y, m, d, c.tz), Math.min(dayStart(y2, m2, d2, c.tz), nowS(c))];
}
/** Calendar months: 0 = this month (to now), 1 = last month, 2 = the month before. */
export function month(c: Ctx, back: number): Range {
  const t = todayOf(c);
  const first = new Date(Date.UTC(t.y, t.m - 1 - back, 1));
  const next = new Date(Date.UTC(t.y, t.m - back, 1));
  const s = dayStart(first.getUTCFullYear(), first.getUTCMonth() + 1, 1, c.tz);
  const e = dayStart(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, c.tz);
  return [s, Math.min(e, nowS(c))];
}
/** "in March": the most recent March that has begun (this one when it is March now). */
export function namedMonth(c: Ctx, m: number): Range {
  const t = todayOf(c);
  return month(c, (t.m - m + 12) % 12);
}
/** "since January": from the first of the most recent such month up to now. */
export const since = (c: Ctx, m: number): Range => [namedMonth(c, m)[0], nowS(c)];
/** "last Friday": the most recent such weekday strictly before today (0 = Monday). */
export function lastWeekday(c: Ctx, wd: number): Range {
  const t = todayOf(c);
  return dayAgo(c, ((t.wd - wd + 6) % 7) + 1);
}
/** "this morning": local midnight until noon, capped at now. */
export function thisMorning(c: Ctx): Range {
  const t = todayOf(c);
  return [dayStart(t.y, t.m, t.d, c.tz), Math.min(zoned(t.y, t.m, t.d, 12, 0, c.tz), nowS(c))];
}
/** "between March 1 and March 15": both days whole, in the most recent year where the range has begun. */
export function between(c: Ctx, m1: number, d1: number, m2: number, d2: number): Range {
  const t = todayOf(c);
  const y = m1 < t.m || (m1 === t.m && d1 <= t.d) ? t.y : t.y - 1;
  const y2 = m2 < m1 ? y + 1 : y;
  const [ey, em, ed] = addDays(y2, m2, d2, 1);
  return [dayStart(y, m1, d1, c.tz), Math.min(dayStart(ey, em, ed, c.tz), nowS(c))];
}
export const allTime = (c: Ctx): Range => [0, nowS(c)];
export const inRange = (r: Range) => (x: { created_at: number }) =>
  x.created_at >= r[0] && x.created_at < r[1];
