// Date phrases → [start, end) instants in the account's time zone, with the words each one used. Rolling
// windows ("last 7 days", "last 24 hours") include today and end now; "to date" periods end now.

import {
  addDays,
  addMonths,
  addMonthsKeepDay,
  type DateRange,
  iso,
  weekday,
  lastWeekday,
  localMidnight,
  MONTH_RE,
  MONTHS,
  monday,
  monthIndex,
  NUMBERS,
  oneDay,
  parts,
  quarter,
  span,
  type YMD,
} from './calendar';

export { type DateRange, localMidnight, shiftBack } from './calendar';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const WEEKDAY_RE =
  '(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)';
const weekdayIndex = (s: string) => WEEKDAYS.findIndex((w) => w.startsWith(s.slice(0, 3)));
const DAY_OF_MONTH = '(\\d{1,2})(?:st|nd|rd|th)?';
const cap = (s: string) => `${s[0].toUpperCase()}${s.slice(1)}`;

/**
 * "past" names a period ("calls in the past 24 hrs", "calls past 24 hrs") except after a verb of
 * lasting, where it is a length ("calls that went past 5 minutes" = longer than 5 minutes,
 * conditions.ts): then the date reader leaves it alone.
 */
const PAST =
  '(?<!\\b(?:went|go|goes|going|gone|ran|run|runs|running|lasted|lasting|lasts|last|were|was|is|are|be|been|got|get|gets|getting) )past';

type Rule = [RegExp, (m: RegExpMatchArray, c: Ctx) => DateRange | null];
interface Ctx {
  now: number;
  tz: string;
  today: YMD;
  num: (s: string) => number;
}
const ymd = (s: string): YMD => {
  const [y, m, d] = s.split('-').map(Number);
  return { y, m, d };
};
/** A month (and optional day) named without a year means the most recent one not after today. */
function recent(c: Ctx, month: number, day = 1, year?: string): YMD {
  let y = year ? Number(year) : c.today.y;
  if (!year && (month > c.today.m || (month === c.today.m && day > c.today.d))) y -= 1;
  return { y, m: month, d: day };
}
const longDate = (d: YMD, withYear: boolean) => `${cap(MONTHS[d.m - 1])} ${d.d}${withYear ? `, ${d.y}` : ''}`;
/** A period the words name but the calendar does not have: declined naming it, never rolled over. */
const invalid = (c: Ctx, error: string): DateRange => ({
  start: c.now,
  end: c.now,
  label: error,
  unit: 'custom',
  count: 1,
  error,
});
/** "February 30", "November 31", "October 32" (and February 29 outside a leap year) do not exist. */
function noSuchDay(d: YMD, yearNamed: boolean): string | null {
  if (d.d >= 1 && d.d <= new Date(Date.UTC(d.y, d.m, 0)).getUTCDate()) return null;
  const leap = d.m === 2 && d.d === 29;
  return `there is no ${longDate(d, yearNamed || leap)}, so I will not guess which day you meant.`;
}
/** One day, checked: a real date, and the weekday named with it (if any) is that date's weekday. */
function checkedDay(c: Ctx, d: YMD, yearNamed: boolean, weekdayNamed?: string): DateRange {
  const bad = noSuchDay(d, yearNamed);
  if (bad) return invalid(c, bad);
  if (weekdayNamed !== undefined) {
    const wd = weekdayIndex(weekdayNamed);
    if (weekday(d) !== wd)
      return invalid(
        c,
        `${longDate(d, true)} was a ${cap(WEEKDAYS[weekday(d)])}, not a ${cap(WEEKDAYS[wd])}; which day did you mean?`,
      );
    return oneDay(d, c.tz, `${cap(WEEKDAYS[wd])} ${iso(d)}`);
  }
  return oneDay(d, c.tz);
}
/** An explicit range: both days real, and the first not after the last. */
function checkedSpan(c: Ctx, a: YMD, b: YMD, yearNamed: boolean): DateRange {
  const bad = noSuchDay(a, yearNamed) ?? noSuchDay(b, yearNamed);
  if (bad) return invalid(c, bad);
  if (iso(a) > iso(b))
    return invalid(
      c,
      `that range ends (${longDate(b, true)}) before it starts (${longDate(a, true)}); name it from the earlier day to the later one.`,
    );
  return span(a, addDays(b, 1), c.tz, `${iso(a)} to ${iso(b)}`, 'custom');
}
const sinceUntilNow = (from: YMD, c: Ctx, label: string): DateRange => ({
  start: localMidnight(from, c.tz),
  end: c.now,
  label,
  unit: 'custom',
  count: 1,
});

const RULES: Rule[] = [
  // "Sunday November 1", "on Sun, Nov 1 2026": one day, named twice; declined if they disagree.
  [
    new RegExp(
      `\\b(?:on )?(?:the )?${WEEKDAY_RE}(?: ,)? (?:the )?${MONTH_RE} ${DAY_OF_MONTH}(?: ?,)?(?: (\\d{4}))?\\b(?! (?:and|to|until|through|thru|-) )`,
    ),
    (m, c) => checkedDay(c, recent(c, monthIndex(m[2]) + 1, Number(m[3]), m[4]), !!m[4], m[1]),
  ],
  [
    /\b(?:between|from) (\d{4}-\d\d-\d\d) (?:and|to|until|through|-) (\d{4}-\d\d-\d\d)\b/,
    (m, c) => checkedSpan(c, ymd(m[1]), ymd(m[2]), true),
  ],
  [
    new RegExp(
      `\\b(?:between |from )?${MONTH_RE} ${DAY_OF_MONTH}(?: ?,)?(?: (\\d{4}))? (?:and|to|until|through|thru|-) (?:${MONTH_RE} )?${DAY_OF_MONTH}(?: ?,)?(?: (\\d{4}))?\\b`,
    ),
    (m, c) => {
      const a = recent(c, monthIndex(m[1]) + 1, Number(m[2]), m[3] ?? m[6]);
      const bm = m[4] ? monthIndex(m[4]) + 1 : a.m;
      const b = { y: m[6] ? Number(m[6]) : bm < a.m ? a.y + 1 : a.y, m: bm, d: Number(m[5]) };
      return checkedSpan(c, a, b, !!(m[3] ?? m[6]));
    },
  ],
  [
    /\bsince (\d{4}-\d\d-\d\d)\b/,
    (m, c) => {
      const bad = noSuchDay(ymd(m[1]), true);
      return bad ? invalid(c, bad) : sinceUntilNow(ymd(m[1]), c, `since ${m[1]}`);
    },
  ],
  [
    new RegExp(
      // "since the 1st of November" reads "since the november 1" (scanner.ts puts the month first).
      `\\bsince (?:the (?:start|beginning) of |the (?=[a-z]+ \\d))?${MONTH_RE}(?: ${DAY_OF_MONTH})?(?: ?,)?(?: (\\d{4}))?\\b`,
    ),
    (m, c) => {
      const from = recent(c, monthIndex(m[1]) + 1, m[2] ? Number(m[2]) : 1, m[3]);
      const bad = noSuchDay(from, !!m[3]);
      return bad ? invalid(c, bad) : sinceUntilNow(from, c, `since ${iso(from)}`);
    },
  ],
  [
    new RegExp(`\\bsince (?:last )?${WEEKDAY_RE}\\b`),
    (m, c) => {
      const from = lastWeekday(c.today, weekdayIndex(m[1]));
      return sinceUntilNow(from, c, `since ${cap(WEEKDAYS[weekdayIndex(m[1])])} ${iso(from)}`);
    },
  ],
  [/\b(?:on )?(\d{4})-(\d\d)-(\d\d)\b/, (m, c) => checkedDay(c, ymd(`${m[1]}-${m[2]}-${m[3]}`), true)],
  [
    /\b(?:on )?(?:the )?day before yesterday\b/,
    (_m, c) => oneDay(addDays(c.today, -2), c.tz, 'the day before yesterday'),
  ],
  [/\b(?:on )?yesterday\b/, (_m, c) => oneDay(addDays(c.today, -1), c.tz, 'yesterday')],
  [
    /\b(this morning|this afternoon|this evening|tonight)\b/,
    (m, c) => {
      const [from, to] = m[1] === 'this morning' ? [0, 12] : m[1] === 'this afternoon' ? [12, 17] : [17, 24];
      const start = localMidnight(c.today, c.tz, from);
      const end = Math.min(
        c.now,
        to === 24 ? localMidnight(addDays(c.today, 1), c.tz) : localMidnight(c.today, c.tz, to),
      );
      // A part of the day still ahead starts after now; the translator declines it as not yet happened.
      return { start, end: Math.max(start, end), label: m[1], unit: 'custom', count: 1 };
    },
  ],
  [
    /\b(?:so far )?(?:today|since midnight(?: today| last night)?)(?: so far)?\b/,
    (_m, c) => ({ start: localMidnight(c.today, c.tz), end: c.now, label: 'today', unit: 'day', count: 1 }),
  ],
  [
    new RegExp(
      `\\b(?:in the |over the |during the |for the )?(?:last|${PAST}|previous) (\\d+) (?:minutes|mins?)\\b`,
    ),
    (m, c) => ({
      start: c.now - Number(m[1]) * 60_000,
      end: c.now,
      label: `the last ${m[1]} minutes`,
      unit: 'hour',
      count: Number(m[1]) / 60,
    }),
  ],
  [
    new RegExp(`\\b(?:in the |over the |during the |for the )?(?:last|${PAST}|previous) (?:hour|hr)\\b`),
    (_m, c) => ({ start: c.now - 3600_000, end: c.now, label: 'the last hour', unit: 'hour', count: 1 }),
  ],
  [
    new RegExp(
      `\\b(?:in the |over the |during the |for the )?(?:last|${PAST}|previous) (\\d+|[a-z]+) (?:hours?|hrs?)\\b`,
    ),
    (m, c) => {
      const n = c.num(m[1]);
      if (Number.isNaN(n)) return null;
      return {
        start: c.now - n * 3600_000,
        end: c.now,
        label: `the last ${n} hours`,
        unit: 'hour',
        count: n,
      };
    },
  ],
  [
    new RegExp(
      `\\b(?:in the |over the |during the |for the )?(?:last|${PAST}|previous|trailing|rolling) (\\d+|[a-z]+) (day|week|month)s?\\b`,
    ),
    (m, c) => {
      const n = c.num(m[1]);
      if (Number.isNaN(n)) return null;
      const unit = m[2] as 'day' | 'week' | 'month';
      // Rolling windows end now and reach back N × 24 hours (N × 7 days), as dashboards count "the
      // last 7 days"; months reach back N calendar months to the same local time.
      const start =
        unit === 'month'
          ? localMidnight(addMonthsKeepDay(c.today, -n, 0), c.tz) + (c.now - localMidnight(c.today, c.tz))
          : c.now - n * (unit === 'week' ? 7 : 1) * 86400_000;
      return {
        start,
        end: c.now,
        label: `the last ${n} ${unit}s`,
        unit,
        count: n,
      };
    },
  ],
];

export type MatchedRange = DateRange & { matched: string };

/** How far back a question may reach; "the last 99999999999 days" is declined, not computed. */
export const MAX_LOOKBACK_MS = 100 * 366 * 86_400_000;

/**
 * Finds the first date phrase in `text` (already lower-cased) and the words it used; null when none, and
 * also when it reaches more than 100 years away or cannot be computed: its words then stay unaccounted
 * for, so the translators decline instead of answering (or failing) on an absurd period.
 */
export function resolveDates(text: string, now: number, tz: string): MatchedRange | null {
  let range: MatchedRange | null;
  try {
    range = resolvePhrase(text, now, tz);
  } catch {
    return null;
  }
  if (
    range &&
    (!Number.isFinite(range.start) ||
      !Number.isFinite(range.end) ||
      range.start < now - MAX_LOOKBACK_MS ||
      range.end > now + MAX_LOOKBACK_MS)
  )
    return null;
  return range;
}

function resolvePhrase(text: string, now: number, tz: string): MatchedRange | null {
  const p = parts(now, tz);
  const today: YMD = { y: p.y, m: p.m, d: p.d };
  const t = text.replace(/\s+/g, ' ');
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : (NUMBERS[s] ?? NaN));
  const c: Ctx = { now, tz, today, num };
  for (const [re, make] of [...RULES, ...CALENDAR_RULES]) {
    const m = t.match(re);
    if (!m) continue;
    const r = make(m, c);
    if (r) return { ...r, matched: m[0].trim() };
  }
  return null;
}

const CALENDAR_RULES: Rule[] = [
  [
    /\b(week to date|wtd|this week so far)\b/,
    (_m, c) => ({
      start: localMidnight(monday(c.today), c.tz),
      end: c.now,
      label: 'this week to date',
      unit: 'week',
      count: 1,
    }),
  ],
  [
    /\b(month to date|mtd|this month so far|since the (?:start|beginning) of (?:the |this )?month)\b/,
    (_m, c) => ({
      start: localMidnight({ ...c.today, d: 1 }, c.tz),
      end: c.now,
      label: 'this month to date',
      unit: 'month',
      count: 1,
    }),
  ],
  [
    /\b(year to date|ytd|this year so far|since the (?:start|beginning) of (?:the |this )?year)\b/,
    (_m, c) => ({
      start: localMidnight({ y: c.today.y, m: 1, d: 1 }, c.tz),
      end: c.now,
      label: 'this year to date',
      unit: 'year',
      count: 1,
    }),
  ],
  [
    /\b(?:over |on |during )?(?:the )?last weekend\b/,
    (_m, c) => {
      const sat = addDays(monday(c.today), -2);
      return span(sat, addDays(sat, 2), c.tz, 'last weekend', 'custom');
    },
  ],
  // A weekday inside a named week is one day of that week: "Friday of last week", "last week's Friday",
  // "the Tuesday of this week" (not a comparison of the day with the week).
  [
    new RegExp(
      `\\b(?:on |the )*${WEEKDAY_RE} (?:(?:of|in|during) (?:the )?)?(last|previous|prior|this|current) week\\b|\\b(?:on )?(?:the )?(last|previous|prior|this|current) week s ${WEEKDAY_RE}\\b`,
    ),
    (m, c) => {
      const wd = weekdayIndex(m[1] ?? m[4]);
      const which = m[2] ?? m[3];
      const weekStart = /this|current/.test(which) ? monday(c.today) : addDays(monday(c.today), -7);
      const day = addDays(weekStart, wd);
      return oneDay(day, c.tz, `${cap(WEEKDAYS[wd])} (${iso(day)})`);
    },
  ],
  [
    new RegExp(`\\b(?:on |last |this past |past )+${WEEKDAY_RE}\\b|\\b(?:on )?${WEEKDAY_RE} last week\\b`),
    (m, c) => {
      const wd = weekdayIndex(m[1] ?? m[2]);
      const day = m[2] ? addDays(addDays(monday(c.today), -7), wd) : lastWeekday(c.today, wd);
      return oneDay(day, c.tz, `last ${cap(WEEKDAYS[wd])} (${iso(day)})`);
    },
  ],
  // "this Monday" is the Monday of this week (declined as not yet happened if it is still ahead);
  // a weekday named alone ("calls Monday", "Monday's call count") is the most recent one before today,
  // like "last Monday" (README: named days). Abbreviations alone ("sat", "sun") stay words.
  [
    new RegExp(`\\bthis ${WEEKDAY_RE}\\b`),
    (m, c) => {
      const wd = weekdayIndex(m[1]);
      const day = addDays(monday(c.today), wd);
      return oneDay(day, c.tz, `${cap(WEEKDAYS[wd])} (${iso(day)})`);
    },
  ],
  [
    // Not one end of a range of weekdays ("from Monday to Friday" is no single day).
    /(?<!\b(?:from|between|to|through|thru|until|and|or|-) (?:the )?)\b(?:the )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b(?! s? ?(?:of|in|during)\b)(?! (?:to|through|thru|until|and|or|-) )/,
    (m, c) => {
      const wd = weekdayIndex(m[1]);
      const day = lastWeekday(c.today, wd);
      return oneDay(day, c.tz, `last ${cap(WEEKDAYS[wd])} (${iso(day)})`);
    },
  ],
  [
    /\b(?:in |during |for )?(?:the )?(?:last|previous|prior) week\b/,
    (_m, c) => span(addDays(monday(c.today), -7), monday(c.today), c.tz, 'last week', 'week'),
  ],
  [
    /\b(?:in |during |for )?this week\b/,
    (_m, c) => span(monday(c.today), addDays(monday(c.today), 7), c.tz, 'this week', 'week'),
  ],
  [
    /\b(?:in |during |for )?(?:the )?(?:last|previous|prior) month\b/,
    (_m, c) => span(addMonths({ ...c.today, d: 1 }, -1), { ...c.today, d: 1 }, c.tz, 'last month', 'month'),
  ],
  [
    /\b(?:in |during |for )?this month\b/,
    (_m, c) => span({ ...c.today, d: 1 }, addMonths({ ...c.today, d: 1 }, 1), c.tz, 'this month', 'month'),
  ],
  [
    /\b(?:in |during |for )?(?:the )?(?:last|previous|prior) quarter\b/,
    (_m, c) => span(addMonths(quarter(c.today), -3), quarter(c.today), c.tz, 'last quarter', 'quarter'),
  ],
  [
    /\b(?:in |during |for )?this quarter\b/,
    (_m, c) => span(quarter(c.today), addMonths(quarter(c.today), 3), c.tz, 'this quarter', 'quarter'),
  ],
  [
    /\b(?:in |during )?q([1-4])(?: (\d{4}))?\b/,
    (m, c) => {
      const s = { y: m[2] ? Number(m[2]) : c.today.y, m: (Number(m[1]) - 1) * 3 + 1, d: 1 };
      return span(s, addMonths(s, 3), c.tz, `Q${m[1]} ${s.y}`, 'quarter');
    },
  ],
  [
    /\b(?:in |during |for )?(?:the )?(?:last|previous|prior) year\b/,
    (_m, c) =>
      span({ y: c.today.y - 1, m: 1, d: 1 }, { y: c.today.y, m: 1, d: 1 }, c.tz, 'last year', 'year'),
  ],
  [
    /\b(?:in |during |for )?this year\b/,
    (_m, c) =>
      span({ y: c.today.y, m: 1, d: 1 }, { y: c.today.y + 1, m: 1, d: 1 }, c.tz, 'this year', 'year'),
  ],
  [
    new RegExp(`\\b(?:on )?(?:the )?${MONTH_RE} ${DAY_OF_MONTH}(?: ?,)?(?: (\\d{4}))?\\b`),
    (m, c) => checkedDay(c, recent(c, monthIndex(m[1]) + 1, Number(m[2]), m[3]), !!m[3]),
  ],
  [
    new RegExp(`\\b(?:in |during |for )?(?:the month of )?${MONTH_RE}(?: (\\d{4}))?\\b`),
    (m, c) => {
      const s = recent(c, monthIndex(m[1]) + 1, 1, m[2]);
      return span(s, addMonths(s, 1), c.tz, `${cap(MONTHS[s.m - 1])} ${s.y}`, 'month');
    },
  ],
  [
    /\b(?:in|during) (\d{4})\b/,
    (m, c) => span({ y: Number(m[1]), m: 1, d: 1 }, { y: Number(m[1]) + 1, m: 1, d: 1 }, c.tz, m[1], 'year'),
  ],
];
