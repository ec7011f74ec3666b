// BLIND-5 families about time forms, breakdowns, comparisons, place and several measures at once.
// Conventions: families/heldout-set.ts header (NOW = Wednesday 2026-11-18 10:00 America/New_York).
import {
  answerRate,
  answered,
  avgDuration,
  byAgent,
  byAreaCode,
  byCampaign,
  byCountry,
  byDay,
  byHour,
  byWeekday,
  calls,
  compare,
  converted,
  count,
  groupBy,
  groups,
  scalar,
} from '../oracle';
import { stateOf } from '../dataset';
import {
  between,
  lastDays,
  lastWeekday,
  month,
  namedMonth,
  since,
  thisMorning,
  week,
  yesterday,
} from '../time';
import type { Blind5Family } from './blind5-set';

const f = (
  id: string,
  kind: Blind5Family['kind'],
  phrasings: string[],
  expect: Blind5Family['expect'],
): Blind5Family => ({ id, kind, phrasings, expect });

export const blind5TimeFamilies: Blind5Family[] = [
  f(
    'b5-this-morning',
    'time',
    [
      'how many calls came thru this morning',
      'this morning, how many calls so far',
      'this morning call count',
      'number of calls this morning please',
      'morning update: how many calls have we had this morning',
    ],
    (d, c) => scalar(calls(d, thisMorning(c)).length),
  ),
  f(
    'b5-last-friday',
    'time',
    [
      'calls on last fri',
      'how many calls did we have on last Friday',
      'last Friday total calls?',
      'i need the call count for last friday',
      'friday last week how many calls',
    ],
    (d, c) => scalar(calls(d, lastWeekday(c, 4)).length),
  ),
  f(
    'b5-conv-nov2-8',
    'time',
    [
      'conversions between November 2 and November 8',
      'how many conversions from nov 2 to nov 8',
      'conversions Nov 2 - Nov 8?',
      'count conversions november 2nd through november 8th',
      'between nov 2 and nov 8 how many calls converted',
    ],
    (d, c) => scalar(calls(d, between(c, 11, 2, 11, 8), converted).length),
  ),
  f(
    'b5-answered-since-oct',
    'time',
    [
      'answered calls since october',
      'how many calls answered since Oct 1',
      'since the start of october how many calls were answered',
      'answered call count since october?',
      'number of answered calls since 1 October',
    ],
    (d, c) => scalar(calls(d, since(c, 10), answered).length),
  ),
  f(
    'b5-weekday-30d',
    'breakdown',
    [
      'calls by day of week last 30 days',
      'break down calls by weekday for the last 30 days',
      'day of week breakdown of calls, last 30 days',
      'show me call counts by day of the week over last 30 days',
      'calls grouped by weekday in the last 30 days',
    ],
    (d, c) => groups(groupBy(calls(d, lastDays(c, 30)), byWeekday(c), count)),
  ),
  f(
    'b5-hour-dst-week',
    'breakdown',
    [
      'hour of day breakdown for calls between november 1 and november 7',
      'calls for each hour of the day, Nov 1 to Nov 7',
      'by hour of day: calls from 1 nov to 7 nov',
      'Nov 1 thru Nov 7 calls by hour of the day',
      'count of calls by hour-of-day for november 1 through november 7',
    ],
    (d, c) => groups(groupBy(calls(d, between(c, 11, 1, 11, 7)), byHour(c), count)),
  ),
  f(
    'b5-daily-last-week',
    'breakdown',
    [
      'calls each day last week',
      'day by day calls for last week',
      'last week calls broken down by day',
      'how many calls on each day of last week',
      'daily breakdown of calls last week',
    ],
    (d, c) => groups(groupBy(calls(d, week(c, 1)), byDay(c), count)),
  ),
  f(
    'b5-answer-rate-by-agent',
    'breakdown',
    [
      'answer rate by agent for this month pls',
      "this month whats each agent's answer rate",
      'answer rate per agent for this month?',
      'show answer % by agent, this month',
      'for every agent the answer rate this month',
    ],
    (d, c) => groups(groupBy(calls(d, month(c, 0)), byAgent, answerRate), 'percent'),
  ),
  f(
    'b5-avg-dur-by-agent-lm',
    'breakdown',
    [
      'average call duration by agent last month in minutes',
      'avg duration per agent in october (minutes)',
      'last month average call length in minutes for each agent',
      'by agent, average duration in minutes, last month',
      'what was the average duration in minutes per agent last month',
    ],
    (d, c) =>
      groups(
        groupBy(calls(d, month(c, 1)), byAgent, (xs) => avgDuration(xs) / 60),
        'minutes',
      ),
  ),
  f(
    'b5-conv-by-campaign-lm',
    'breakdown',
    [
      'conversions by campaign, last month only',
      'last month conversions broken out by campaign',
      'how many conversions each campaign got in october',
      'give me a campaign breakdown of conversions for last month',
      'conversions per campaign last month?',
    ],
    (d, c) => groups(groupBy(calls(d, month(c, 1), converted), byCampaign, count)),
  ),
  f(
    'b5-winback-lm',
    'count',
    [
      'we launched Winback last month. how many conversions did it get last month?',
      'quick q about the Winback campaign: conversions last month?',
      'conversions from Winback last month',
      'Winback campaign conversions in october',
      'how many conversions did the Winback campaign get last month',
    ],
    (d, c) => scalar(calls(d, month(c, 1), converted, (x) => x.campaign === 'Winback').length),
  ),
  f(
    'b5-country-30d',
    'place',
    [
      'calls by country last 30 days',
      'country breakdown of calls for last 30 days',
      'last 30 days calls per country',
      'how many calls from each country in the last 30 days',
      'split the last 30 days of calls by country',
    ],
    (d, c) => groups(groupBy(calls(d, lastDays(c, 30)), byCountry, count)),
  ),
  f(
    'b5-texas-lm',
    'place',
    [
      'calls from texas during last month',
      'how many calls from TX in october',
      'last month texas calls count',
      'TX calls last month?',
      'number of calls from Texas numbers last month',
    ],
    (d, c) =>
      scalar(
        calls(d, namedMonth(c, 10), (x) => x.customer.startsWith('+1') && stateOf(x.customer) === 'TX')
          .length,
      ),
  ),
  f(
    'b5-area-code-week',
    'place',
    [
      'calls by area code this week',
      'area code breakdown this week',
      "this week's calls split by area code",
      'how many calls per area code this week',
      "break this week's calls down by area code",
    ],
    (d, c) => groups(groupBy(calls(d, week(c, 0)), byAreaCode, count)),
  ),
  f(
    'b5-conv-wow',
    'compare',
    [
      'conversions this week vs last week',
      'how do conversions this week compare to last week',
      'this week conversions compared with last week?',
      'conversions: this wk vs last wk',
      'compare conversions this week against last week',
    ],
    (d, c) => compare(calls(d, week(c, 0), converted).length, calls(d, week(c, 1), converted).length),
  ),
  f(
    'b5-answered-oct-vs-sep',
    'compare',
    [
      'answered calls in October vs September',
      'how did answered calls change from September to October',
      'compare answered calls october against september',
      'answered calls october compared to september?',
      'sept to oct change in answered calls',
    ],
    (d, c) =>
      compare(calls(d, namedMonth(c, 10), answered).length, calls(d, namedMonth(c, 9), answered).length),
  ),
  f(
    'b5-multi-yesterday',
    'multi',
    [
      'for yesterday pls: calls, answered calls, conversions',
      'give me total calls, answered calls and conversions for yesterday',
      'how many calls, answered calls and conversions did we get yesterday?',
      'yesterday numbers pls - calls, answered calls, conversions',
      'calls, answered calls and conversions for yesterday?',
    ],
    (d, c) => ({
      kind: 'multi',
      values: {
        calls: calls(d, yesterday(c)).length,
        answered: calls(d, yesterday(c), answered).length,
        conversions: calls(d, yesterday(c), converted).length,
      },
    }),
  ),
  f(
    'b5-excluding-dev',
    'negation',
    [
      'calls this week excluding Dev',
      'this week calls, exclude agent Dev',
      'how many calls this week not including Dev',
      'all calls this week except Dev',
      'calls this week excluding the agent Dev?',
    ],
    (d, c) => scalar(calls(d, week(c, 0), (x) => x.agent !== 'Dev').length),
  ),
];
