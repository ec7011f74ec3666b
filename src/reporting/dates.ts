// Relative and explicit date phrases → [start, end) instants in the account's time zone (weeks start Monday).
// Rolling periods ("last 7 days") are whole days before today; "to date" periods end now.

import { zonedParts } from '../lib/zoned-time';

export interface DateRange {
  start: number;
  end: number;
  label: string;
  unit: 'day' | 'week' | 'month' | 'quarter' | 'year' | 'hour' | 'custom';
  count: number;
}
interface YMD {
  y: number;
  m: number;
  d: number;
}

const MONTHS = [
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
const MONTH_RE =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const monthIndex = (s: string) => MONTHS.findIndex((m) => m.startsWith(s.slice(0, 3)));
const NUMBERS: Record<string, number> = {
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

const parts = zonedParts;

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

const addDays = (d: YMD, n: number): YMD => {
  const t = new Date(Date.UTC(d.y, d.m - 1, d.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const addMonths = (d: YMD, n: number): YMD => {
  const t = new Date(Date.UTC(d.y, d.m - 1 + n, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: 1 };
};
const weekday = (d: YMD) => (new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay() + 6) % 7; // Monday = 0
const iso = (d: YMD) => `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;

function span(
  from: YMD,
  toExclusive: YMD,
  tz: string,
  label: string,
  unit: DateRange['unit'],
  count = 1,
): DateRange {
  return { start: localMidnight(from, tz), end: localMidnight(toExclusive, tz), label, unit, count };
}

/** How far back a question may reach; "the last 99999999999 days" is declined, not computed. */
export const MAX_LOOKBACK_MS = 100 * 366 * 86_400_000;

/** A range the translators decline (`isUsableRange` false): absurd or unrepresentable dates. */
const unusable = (label: string): DateRange => ({
  start: Number.NaN,
  end: Number.NaN,
  label,
  unit: 'custom',
  count: 1,
});
export const isUsableRange = (r: DateRange) => Number.isFinite(r.start) && Number.isFinite(r.end);

/**
 * Finds the first date phrase in `text` (already lower-cased). Returns null when there is none, and an
 * unusable range (declined by the callers) when it reaches more than 100 years back or cannot be computed.
 */
export function resolveDates(text: string, now: number, tz: string): DateRange | null {
  let range: DateRange | null;
  try {
    range = resolvePhrase(text, now, tz);
  } catch {
    return unusable('an impossible date');
  }
  if (
    range &&
    (!isUsableRange(range) || range.start < now - MAX_LOOKBACK_MS || range.end > now + MAX_LOOKBACK_MS)
  )
    return unusable('too far back');
  return range;
}

function resolvePhrase(text: string, now: number, tz: string): DateRange | null {
  const p = parts(now, tz);
  const today: YMD = { y: p.y, m: p.m, d: p.d };
  const t = text.replace(/\s+/g, ' ');
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : (NUMBERS[s] ?? NaN));
  let m: RegExpMatchArray | null;

  if ((m = t.match(/\b(?:between|from) (\d{4}-\d\d-\d\d) (?:and|to|until) (\d{4}-\d\d-\d\d)\b/))) {
    const [a, b] = [m[1], m[2]].map((s) => {
      const [y, mo, d] = s.split('-').map(Number);
      return { y, m: mo, d };
    });
    return span(a, addDays(b, 1), tz, `${iso(a)} to ${iso(b)}`, 'custom', 1);
  }
  if ((m = t.match(/\bsince (\d{4}-\d\d-\d\d)\b/))) {
    const [y, mo, d] = m[1].split('-').map(Number);
    return {
      start: localMidnight({ y, m: mo, d }, tz),
      end: now,
      label: `since ${m[1]}`,
      unit: 'custom',
      count: 1,
    };
  }
  if ((m = t.match(/\b(?:on )?(\d{4})-(\d\d)-(\d\d)\b/))) {
    const day = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
    return span(day, addDays(day, 1), tz, `on ${iso(day)}`, 'day');
  }
  if (/\bday before yesterday\b/.test(t))
    return span(addDays(today, -2), addDays(today, -1), tz, 'the day before yesterday', 'day');
  if (/\byesterday\b/.test(t)) return span(addDays(today, -1), today, tz, 'yesterday', 'day');
  if (/\btoday\b/.test(t))
    return { start: localMidnight(today, tz), end: now, label: 'today', unit: 'day', count: 1 };
  if (
    (m = t.match(/\b(?:in the )?(?:last|past|previous) (\d+|[a-z]+) hours?\b/)) &&
    !Number.isNaN(num(m[1]))
  ) {
    const n = num(m[1]);
    return { start: now - n * 3600_000, end: now, label: `the last ${n} hours`, unit: 'hour', count: n };
  }
  if (
    (m = t.match(/\b(?:in the )?(?:last|past|previous) (\d+|[a-z]+) (day|week|month)s?\b/)) &&
    !Number.isNaN(num(m[1]))
  ) {
    const n = num(m[1]);
    const unit = m[2] as 'day' | 'week' | 'month';
    const from =
      unit === 'day'
        ? addDays(today, -n)
        : unit === 'week'
          ? addDays(today, -7 * n)
          : addMonths({ ...today, d: 1 }, -n);
    const until = unit === 'month' ? { ...today, d: 1 } : today;
    return span(unit === 'month' ? from : from, until, tz, `the last ${n} ${unit}s`, unit, n);
  }
  const mondayThis = addDays(today, -weekday(today));
  if (/\b(week to date|wtd|this week so far)\b/.test(t))
    return {
      start: localMidnight(mondayThis, tz),
      end: now,
      label: 'this week to date',
      unit: 'week',
      count: 1,
    };
  if (/\b(month to date|mtd|this month so far)\b/.test(t))
    return {
      start: localMidnight({ ...today, d: 1 }, tz),
      end: now,
      label: 'this month to date',
      unit: 'month',
      count: 1,
    };
  if (/\b(year to date|ytd|this year so far)\b/.test(t))
    return {
      start: localMidnight({ y: today.y, m: 1, d: 1 }, tz),
      end: now,
      label: 'this year to date',
      unit: 'year',
      count: 1,
    };
  if (/\blast weekend\b/.test(t)) {
    const sat = addDays(mondayThis, -2);
    return span(sat, addDays(sat, 2), tz, 'last weekend', 'custom');
  }
  if (/\b(last|previous) week\b/.test(t))
    return span(addDays(mondayThis, -7), mondayThis, tz, 'last week', 'week');
  if (/\bthis week\b/.test(t)) return span(mondayThis, addDays(mondayThis, 7), tz, 'this week', 'week');
  const firstThis = { ...today, d: 1 };
  if (/\b(last|previous) month\b/.test(t))
    return span(addMonths(firstThis, -1), firstThis, tz, 'last month', 'month');
  if (/\bthis month\b/.test(t)) return span(firstThis, addMonths(firstThis, 1), tz, 'this month', 'month');
  const qStart = { y: today.y, m: Math.floor((today.m - 1) / 3) * 3 + 1, d: 1 };
  if (/\b(last|previous) quarter\b/.test(t))
    return span(addMonths(qStart, -3), qStart, tz, 'last quarter', 'quarter');
  if (/\bthis quarter\b/.test(t)) return span(qStart, addMonths(qStart, 3), tz, 'this quarter', 'quarter');
  if ((m = t.match(/\bq([1-4])(?: (\d{4}))?\b/))) {
    const y = m[2] ? Number(m[2]) : today.y;
    const s = { y, m: (Number(m[1]) - 1) * 3 + 1, d: 1 };
    return span(s, addMonths(s, 3), tz, `Q${m[1]} ${y}`, 'quarter');
  }
  if (/\b(last|previous) year\b/.test(t))
    return span({ y: today.y - 1, m: 1, d: 1 }, { y: today.y, m: 1, d: 1 }, tz, 'last year', 'year');
  if (/\bthis year\b/.test(t))
    return span({ y: today.y, m: 1, d: 1 }, { y: today.y + 1, m: 1, d: 1 }, tz, 'this year', 'year');
  if ((m = t.match(new RegExp(`\\b(?:on )?${MONTH_RE} (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?\\b`)))) {
    const mo = monthIndex(m[1]) + 1;
    let y = m[3] ? Number(m[3]) : today.y;
    if (!m[3] && (mo > today.m || (mo === today.m && Number(m[2]) > today.d))) y -= 1;
    const day = { y, m: mo, d: Number(m[2]) };
    return span(day, addDays(day, 1), tz, `on ${iso(day)}`, 'day');
  }
  if ((m = t.match(new RegExp(`\\b(?:in |during )?${MONTH_RE}(?: (\\d{4}))?\\b`)))) {
    const mo = monthIndex(m[1]) + 1;
    let y = m[2] ? Number(m[2]) : today.y;
    if (!m[2] && mo > today.m) y -= 1; // "in March" means the most recent March
    const s = { y, m: mo, d: 1 };
    return span(
      s,
      addMonths(s, 1),
      tz,
      `${MONTHS[mo - 1][0].toUpperCase()}${MONTHS[mo - 1].slice(1)} ${y}`,
      'month',
    );
  }
  if ((m = t.match(/\b(?:in|during) (\d{4})\b/))) {
    const y = Number(m[1]);
    return span({ y, m: 1, d: 1 }, { y: y + 1, m: 1, d: 1 }, tz, `${y}`, 'year');
  }
  return null;
}

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
