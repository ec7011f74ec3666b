// BLIND-4 evaluation set, time forms and time breakdowns (see blind4-calls.ts for how it was written).
import {
  answered,
  byDay,
  byHour,
  byWeekday,
  calls,
  converted,
  count,
  groupBy,
  groups,
  scalar,
} from '../oracle';
import { between, lastHours, lastWeekday, namedMonth, since, thisMorning, today, week } from '../time';
import { type Blind4Family, fam } from './blind4-family';

export const blind4TimeFamilies: Blind4Family[] = [
  fam(
    'b4-this-morning',
    'time',
    [
      'how many calls have come in or gone out this morning',
      'calls so far this morning, all of them?',
      'This morning - number of calls',
      'hw many calls have we had this morning',
      'count of calls this morning',
    ],
    (d, c) => scalar(calls(d, thisMorning(c)).length),
  ),
  fam(
    'b4-today-answered',
    'time',
    [
      'answered calls today',
      'how many calls have been answered today?',
      'today so far, answered calls',
      'number of answered calls today pls',
      'answered calls since midnight',
    ],
    (d, c) => scalar(calls(d, today(c), answered).length),
  ),
  fam(
    'b4-last-24h-conversions',
    'time',
    [
      'conversions in the last 24 hours',
      'how many conversions over the past 24 hrs',
      'conversions last 24h?',
      'number of conversions in the last twenty four hours',
      'last 24 hours conversions count',
    ],
    (d, c) => scalar(calls(d, lastHours(c, 24), converted).length),
  ),
  fam(
    'b4-last-friday',
    'time',
    [
      'how many calls last Friday',
      'calls on last friday total?',
      'last Friday call count',
      'number of calls we had last friday',
      'total calls last Friday',
    ],
    (d, c) => scalar(calls(d, lastWeekday(c, 4)).length),
  ),
  fam(
    'b4-range-nov2-8-answered',
    'time',
    [
      'answered calls between November 2nd and November 8th',
      'how many calls were answered from November 2 to November 8?',
      'answered calls Nov 2 - Nov 8',
      'number of answered calls between Nov 2 and Nov 8',
      'answered calls for November 2 through November 8',
    ],
    (d, c) => scalar(calls(d, between(c, 11, 2, 11, 8), answered).length),
  ),
  fam(
    'b4-since-september-conversions',
    'time',
    [
      'conversions since September',
      'how many conversions have we had since september?',
      'total conversions since September',
      'number of conversions since the start of September',
      'since September, how many conversions',
    ],
    (d, c) => scalar(calls(d, since(c, 9), converted).length),
  ),
  fam(
    'b4-weekday-breakdown-oct',
    'breakdown',
    [
      'calls by day of week in October',
      'October calls broken down by weekday',
      'how many calls per day of the week in october?',
      'day-of-week breakdown of calls for October',
      'October: number of calls on each weekday',
    ],
    (d, c) => groups(groupBy(calls(d, namedMonth(c, 10)), byWeekday(c), count)),
  ),
  fam(
    'b4-hour-breakdown-dst-week',
    'breakdown',
    [
      'calls by hour of day between November 1 and November 7',
      'calls per hour of the day from Nov 1 to Nov 7',
      'how many calls per hour of the day, November 1 to November 7?',
      'calls by hour of the day for Nov 1 - Nov 7',
      'hour-of-day breakdown of calls between Nov 1 and Nov 7',
    ],
    (d, c) => groups(groupBy(calls(d, between(c, 11, 1, 11, 7)), byHour(c), count)),
  ),
  fam(
    'b4-answered-each-day-lastweek',
    'breakdown',
    [
      'answered calls for each day last week pls',
      'answered calls per day for last week, day by day',
      'daily count of answered calls last week',
      'how many answered calls on each day of last week?',
      'last week answered calls by day',
    ],
    (d, c) => groups(groupBy(calls(d, week(c, 1), answered), byDay(c), count)),
  ),
];
