// Calendar arithmetic in an IANA zone (weeks start Monday): local midnights, day and month steps, and
// the period before a period. Used by the date phrases in dates.ts and by comparisons.
import { zonedParts } from '../lib/zoned-time';

export interface DateRange {
  start: number;
  end: number;
  label: string;
  unit: 'day' | 'week' | 'month' | 'quarter' | 'year' | 'hour' | 'custom';
  count: number;
  /** Set when the words name no real period ("February 30", a range that ends before it starts). */
  error?: string;
}
export interface YMD {
  y: number;
  m: number;
  d: number;
}

export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
export const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
export const monthIndex = (s: string) => MONTHS.findIndex((m) => m.startsWith(s.slice(0, 3)));
export const NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fourteen: 14,
  thirty: 30,
  ninety: 90,
};

export const parts = zonedParts;

/** The instant of local midnight (or `hour`) on a calendar day in `tz`, DST-aware. */
export function localMidnight(day: YMD, tz: string, hour = 0): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d, hour);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = parts(guess, tz);
    const seen = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
    const diff = wall - seen;
    if (diff === 0) break;
    guess += diff;
  }
  return guess;
}

export const addDays = (d: YMD, n: number): YMD => {
  const t = new Date(Date.UTC(d.y, d.m - 1, d.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
export const addMonths = (d: YMD, n: number): YMD => {
  const t = new Date(Date.UTC(d.y, d.m - 1 + n, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: 1 };
};
export const weekday = (d: YMD) => (new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay() + 6) % 7; // Monday = 0
export const iso = (d: YMD) => `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;

export function span(
  from: YMD,
  toExclusive: YMD,
  tz: string,
  label: string,
  unit: DateRange['unit'],
  count = 1,
): DateRange {
  return { start: localMidnight(from, tz), end: localMidnight(toExclusive, tz), label, unit, count };
}

export function addMonthsKeepDay(d: YMD, n: number, plusDays: number): YMD {
  const t = new Date(Date.UTC(d.y, d.m - 1 + n, d.d + plusDays));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
export function oneDay(day: YMD, tz: string, label = `on ${iso(day)}`): DateRange {
  return span(day, addDays(day, 1), tz, label, 'day');
}
/** The most recent `wd` strictly before today (Monday = 0). */
export function lastWeekday(today: YMD, wd: number): YMD {
  const back = (weekday(today) - wd + 7) % 7 || 7;
  return addDays(today, -back);
}

export const monday = (d: YMD) => addDays(d, -weekday(d));
export const quarter = (d: YMD): YMD => ({ y: d.y, m: Math.floor((d.m - 1) / 3) * 3 + 1, d: 1 });

/** "and the week before?": the same period shifted back by its own length. */
export function shiftBack(range: DateRange, tz: string): DateRange {
  const from = parts(range.start, tz);
  const start: YMD = { y: from.y, m: from.m, d: from.d };
  const to = parts(range.end, tz);
  const endDay: YMD = { y: to.y, m: to.m, d: to.d };
  if (range.unit === 'month' || range.unit === 'quarter' || range.unit === 'year') {
    const months = (range.unit === 'month' ? 1 : range.unit === 'quarter' ? 3 : 12) * range.count;
    return span(
      addMonths(start, -months),
      start,
      tz,
      `the ${range.unit} before ${range.label}`,
      range.unit,
      range.count,
    );
  }
  if (range.unit === 'hour')
    return {
      ...range,
      start: range.start - (range.end - range.start),
      end: range.start,
      label: `the ${range.count} hours before`,
    };
  const days = Math.round((localMidnight(endDay, tz) - localMidnight(start, tz)) / 86400_000) || 1;
  return span(
    addDays(start, -days),
    start,
    tz,
    `the ${days === 7 ? 'week' : days === 1 ? 'day' : `${days} days`} before ${range.label}`,
    range.unit,
    range.count,
  );
}
