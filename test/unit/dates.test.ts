// ≥ 50 date phrases × 3 reference moments (a month boundary, a year boundary, a DST change) resolve to
// exactly the expected local days. Expected instants come from an independent search over the zone.
import { describe, expect, it } from 'vitest';
import { resolveDates } from '../../src/reporting/dates';

type D = { y: number; m: number; d: number };
const add = (x: D, n: number): D => {
  const t = new Date(Date.UTC(x.y, x.m - 1, x.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const first = (x: D, monthsBack = 0): D => {
  const t = new Date(Date.UTC(x.y, x.m - 1 - monthsBack, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: 1 };
};
const mondayOf = (x: D) => add(x, -((new Date(Date.UTC(x.y, x.m - 1, x.d)).getUTCDay() + 6) % 7));

/** The instant a zone's wall clock reads y-m-d 00:00, found by bisection (independent of the code under test). */
function midnight(day: D, tz: string): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const wall = (t: number) => {
    const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };
  const target = `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')} 00:00`;
  let lo = Date.UTC(day.y, day.m - 1, day.d) - 36 * 3600_000,
    hi = lo + 72 * 3600_000;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
    if (wall(mid) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

const REFS = [
  {
    name: 'month boundary',
    now: Date.parse('2026-03-01T15:00:00Z'),
    tz: 'America/New_York',
    today: { y: 2026, m: 3, d: 1 },
  },
  {
    name: 'year boundary',
    now: Date.parse('2026-01-01T17:00:00Z'),
    tz: 'America/Los_Angeles',
    today: { y: 2026, m: 1, d: 1 },
  },
  {
    name: 'DST start',
    now: Date.parse('2026-03-08T16:00:00Z'),
    tz: 'America/New_York',
    today: { y: 2026, m: 3, d: 8 },
  },
];

type Expect = [D, D] | ['now-from', D] | ['hours', number] | ['months-back', D];
// Rolling windows end now and reach back N × 24 hours ("the 7 days up to now"); months reach back N
// calendar months to the same local time.
const days = (n: number) => (): Expect => ['hours', 24 * n];
const weeks = (n: number) => (): Expect => ['hours', 24 * 7 * n];
const months =
  (n: number) =>
  (t: D): Expect => {
    const back = new Date(Date.UTC(t.y, t.m - 1 - n, t.d));
    return ['months-back', { y: back.getUTCFullYear(), m: back.getUTCMonth() + 1, d: back.getUTCDate() }];
  };
const recentMonth =
  (m: number) =>
  (t: D): Expect => {
    const y = m > t.m ? t.y - 1 : t.y;
    return [{ y, m, d: 1 }, first({ y, m, d: 1 }, -1)];
  };
const dow = (x: D) => (new Date(Date.UTC(x.y, x.m - 1, x.d)).getUTCDay() + 6) % 7; // Monday = 0
/** The most recent weekday `wd` strictly before today. */
const lastWd =
  (wd: number) =>
  (t: D): Expect => {
    const d = add(t, -((dow(t) - wd + 7) % 7 || 7));
    return [d, add(d, 1)];
  };
const yearOf = (t: D, m: number, d: number) => (m > t.m || (m === t.m && d > t.d) ? t.y - 1 : t.y);
const dayOf = (y: number, m: number, d: number) => (): Expect => [{ y, m, d }, add({ y, m, d }, 1)];

const PHRASES: Array<[string, (t: D) => Expect]> = [
  ['yesterday', (t) => [add(t, -1), t]],
  ['how many calls yesterday', (t) => [add(t, -1), t]],
  ['the day before yesterday', (t) => [add(t, -2), add(t, -1)]],
  ['today', (t) => ['now-from', t]],
  ['so far today', (t) => ['now-from', t]],
  ['last 7 days', days(7)],
  ['past 7 days', days(7)],
  ['in the last 7 days', days(7)],
  ['previous 7 days', days(7)],
  ['last 30 days', days(30)],
  ['past 30 days', days(30)],
  ['last 90 days', days(90)],
  ['last 14 days', days(14)],
  ['last seven days', days(7)],
  ['last thirty days', days(30)],
  ['last 1 day', days(1)],
  ['last 2 weeks', weeks(2)],
  ['past 4 weeks', weeks(4)],
  ['last 3 months', months(3)],
  ['past 6 months', months(6)],
  ['last 12 months', months(12)],
  ['last week', (t) => [add(mondayOf(t), -7), mondayOf(t)]],
  ['previous week', (t) => [add(mondayOf(t), -7), mondayOf(t)]],
  ['this week', (t) => [mondayOf(t), add(mondayOf(t), 7)]],
  ['week to date', (t) => ['now-from', mondayOf(t)]],
  ['this week so far', (t) => ['now-from', mondayOf(t)]],
  ['wtd', (t) => ['now-from', mondayOf(t)]],
  ['last month', (t) => [first(t, 1), first(t)]],
  ['previous month', (t) => [first(t, 1), first(t)]],
  ['this month', (t) => [first(t), first(t, -1)]],
  ['month to date', (t) => ['now-from', first(t)]],
  ['mtd', (t) => ['now-from', first(t)]],
  ['this month so far', (t) => ['now-from', first(t)]],
  ['year to date', (t) => ['now-from', { y: t.y, m: 1, d: 1 }]],
  ['ytd', (t) => ['now-from', { y: t.y, m: 1, d: 1 }]],
  [
    'last year',
    (t) => [
      { y: t.y - 1, m: 1, d: 1 },
      { y: t.y, m: 1, d: 1 },
    ],
  ],
  [
    'this year',
    (t) => [
      { y: t.y, m: 1, d: 1 },
      { y: t.y + 1, m: 1, d: 1 },
    ],
  ],
  [
    'last quarter',
    (t) => {
      const q = first({ ...t, m: Math.floor((t.m - 1) / 3) * 3 + 1 });
      return [first(q, 3), q];
    },
  ],
  [
    'this quarter',
    (t) => {
      const q = first({ ...t, m: Math.floor((t.m - 1) / 3) * 3 + 1 });
      return [q, first(q, -3)];
    },
  ],
  ['in March', recentMonth(3)],
  ['in february', recentMonth(2)],
  ['during december', recentMonth(12)],
  ['in jan', recentMonth(1)],
  ['in November', recentMonth(11)],
  [
    'in March 2025',
    () => [
      { y: 2025, m: 3, d: 1 },
      { y: 2025, m: 4, d: 1 },
    ],
  ],
  [
    'in 2025',
    () => [
      { y: 2025, m: 1, d: 1 },
      { y: 2026, m: 1, d: 1 },
    ],
  ],
  ['on 2025-12-31', dayOf(2025, 12, 31)],
  ['2026-02-28', dayOf(2026, 2, 28)],
  ['on March 5, 2025', dayOf(2025, 3, 5)],
  ['on dec 25 2025', dayOf(2025, 12, 25)],
  [
    'between 2025-12-01 and 2025-12-15',
    () => [
      { y: 2025, m: 12, d: 1 },
      { y: 2025, m: 12, d: 16 },
    ],
  ],
  [
    'from 2026-02-01 to 2026-02-28',
    () => [
      { y: 2026, m: 2, d: 1 },
      { y: 2026, m: 3, d: 1 },
    ],
  ],
  ['since 2025-11-15', () => ['now-from', { y: 2025, m: 11, d: 15 }]],
  [
    'q4 2025',
    () => [
      { y: 2025, m: 10, d: 1 },
      { y: 2026, m: 1, d: 1 },
    ],
  ],
  [
    'Q1 2025',
    () => [
      { y: 2025, m: 1, d: 1 },
      { y: 2025, m: 4, d: 1 },
    ],
  ],
  ['last weekend', (t) => [add(mondayOf(t), -2), mondayOf(t)]],
  ['last 24 hours', () => ['hours', 24]],
  ['in the last hour', () => ['hours', 1]],
  ['last friday', lastWd(4)],
  ['on monday', lastWd(0)],
  ['this past sunday', lastWd(6)],
  ['this morning', (t) => ['now-from', t]],
  ['since january', (t) => ['now-from', { y: t.y, m: 1, d: 1 }]],
  ['since feb 2', (t) => ['now-from', { y: yearOf(t, 2, 2), m: 2, d: 2 }]],
  [
    'between march 1 and march 15',
    (t) => [
      { y: yearOf(t, 3, 1), m: 3, d: 1 },
      { y: yearOf(t, 3, 1), m: 3, d: 16 },
    ],
  ],
  [
    'from jan 5 to jan 9, 2025',
    () => [
      { y: 2025, m: 1, d: 5 },
      { y: 2025, m: 1, d: 10 },
    ],
  ],
  ['past 48 hours', () => ['hours', 48]],
];

describe('date phrases', () => {
  it('has at least 50 phrases', () => expect(PHRASES.length).toBeGreaterThanOrEqual(50));
  for (const ref of REFS) {
    describe(ref.name, () => {
      it.each(PHRASES)('%s', (phrase, expected) => {
        const got = resolveDates(phrase.toLowerCase(), ref.now, ref.tz);
        expect(got, phrase).not.toBeNull();
        const e = expected(ref.today);
        if (e[0] === 'hours') {
          expect([got!.start, got!.end]).toEqual([ref.now - (e[1] as number) * 3600_000, ref.now]);
          return;
        }
        if (e[0] === 'months-back') {
          // The same local time of day, N months earlier.
          const sinceMidnight = ref.now - midnight(ref.today, ref.tz);
          expect([got!.start, got!.end]).toEqual([midnight(e[1] as D, ref.tz) + sinceMidnight, ref.now]);
          return;
        }
        if (e[0] === 'now-from') {
          expect([new Date(got!.start).toISOString(), got!.end]).toEqual([
            new Date(midnight(e[1] as D, ref.tz)).toISOString(),
            ref.now,
          ]);
          return;
        }
        const [s, en] = e as [D, D];
        expect([new Date(got!.start).toISOString(), new Date(got!.end).toISOString()]).toEqual([
          new Date(midnight(s, ref.tz)).toISOString(),
          new Date(midnight(en, ref.tz)).toISOString(),
        ]);
      });
    });
  }
  it('a day that loses an hour to DST is 23 hours long', () => {
    const r = resolveDates('yesterday', Date.parse('2026-03-09T15:00:00Z'), 'America/New_York')!;
    expect(r.end - r.start).toBe(23 * 3600_000);
  });
});
