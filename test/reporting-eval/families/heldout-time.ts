// Held-out families (see heldout-set.ts): time windows and calendar periods, breakdowns by time and by
// category, comparisons of periods, place, and several measures at once.
import { areaCodeOf, countryOf } from '../dataset';
import {
  type Expected,
  type Family,
  answered,
  byAgent,
  byCampaign,
  byCountry,
  byDay,
  byHour,
  byUsState,
  byWeekday,
  calls,
  compare,
  converted,
  count,
  family,
  groupBy,
  groups,
  outbound,
  payouts,
  pct,
  scalar,
  sum,
} from '../oracle';
import * as T from '../time';

const n = (xs: unknown[]) => scalar(xs.length);
const usd = (xs: Array<{ payout: number }>) => sum(xs.map((x) => x.payout));

export const heldoutTimeFamilies: Family[] = [
  // ---- rolling windows and calendar periods
  family(
    'h_last_hour',
    'time',
    [
      'in the last hour how many calls were there',
      'calls over the past hour',
      'number of calls in the past 60 minutes',
      'call count for the past hour',
      'give me the number of calls from the last hour',
    ],
    (d, c) => n(calls(d, T.lastHours(c, 1))),
  ),
  family(
    'h_answered_last_24h',
    'time',
    [
      'answered calls in the last 24 hours',
      'how many calls were answered over the past 24 hours?',
      'past 24 hours: number of answered calls',
      'count of answered calls in the last 24 hrs',
      'how many calls did we answer in the past 24 hours',
    ],
    (d, c) => n(calls(d, T.lastHours(c, 24), answered)),
  ),
  family(
    'h_last_friday',
    'time',
    [
      'show me the number of calls last Friday',
      'last Friday, how many calls did we have?',
      'how many calls on last Friday',
      'how many calls happened last Friday',
      'total calls for last Friday',
      'number of calls on Friday of last week',
    ],
    (d, c) => n(calls(d, T.lastWeekday(c, 4))),
  ),
  family(
    'h_this_morning',
    'time',
    [
      'how many calls have there been this morning?',
      "this morning's calls, how many",
      'number of calls so far this morning',
      'count the calls from this morning',
      'calls this morning',
    ],
    (d, c) => n(calls(d, T.thisMorning(c))),
  ),
  family(
    'h_conversions_oct_5_11',
    'time',
    [
      'conversions between October 5 and October 11',
      'how many calls converted from Oct 5 to Oct 11?',
      'number of conversions October 5–11',
      'conversions Oct 5 through Oct 11',
      'between Oct 5 and Oct 11, how many conversions did we have',
      'count conversions for October 5 to October 11',
    ],
    (d, c) => n(calls(d, T.between(c, 10, 5, 10, 11), converted)),
  ),
  family(
    'h_outbound_since_september',
    'time',
    [
      'outbound calls since September',
      'how many outbound calls have we made since September?',
      'since the start of September, number of outbound calls',
      'outbound call count since September 1',
      'since September, how many calls did we make outbound',
    ],
    (d, c) => n(calls(d, T.since(c, 9), outbound)),
  ),
  family(
    'h_answered_in_march',
    'time',
    [
      'how many calls did we answer in March?',
      'answered calls in March',
      'March answered call count',
      'number of answered calls during March',
      'in March, how many calls were answered',
    ],
    (d, c) => n(calls(d, T.namedMonth(c, 3), answered)),
  ),
  family(
    'h_payout_last_month',
    'time',
    [
      'total payout last month',
      'how much did we make in payouts last month?',
      'sum of payouts for October',
      "last month's total payout",
      'what was our payout total in October',
    ],
    (d, c) => scalar(usd(calls(d, T.month(c, 1))), 'usd'),
  ),
  // ---- breakdowns by time (local days and hours, exact across DST)
  family(
    'h_calls_by_weekday_28d',
    'breakdown',
    [
      'calls by day of week over the last 28 days',
      'break down the last 28 days of calls by weekday',
      'last 28 days call volume by weekday',
      'number of calls for each day of the week in the past 28 days',
      'weekday breakdown of calls, last 28 days',
    ],
    (d, c) => groups(groupBy(calls(d, T.lastDays(c, 28)), byWeekday(c), count)),
  ),
  family(
    'h_calls_by_hour_yesterday',
    'breakdown',
    [
      'calls by hour yesterday',
      "hourly breakdown of yesterday's calls",
      "yesterday's calls broken down by hour of day",
      "show me yesterday's call volume by hour",
      'number of calls in each hour yesterday',
    ],
    (d, c) => groups(groupBy(calls(d, T.yesterday(c)), byHour(c), count)),
  ),
  family(
    'h_answered_by_day_last_week',
    'breakdown',
    [
      'answered calls by day last week',
      'daily answered calls for last week',
      'show me answered calls for each day of last week',
      "break last week's answered calls down by day",
      'day by day answered call counts last week',
    ],
    (d, c) => groups(groupBy(calls(d, T.week(c, 1), answered), byDay(c), count)),
  ),
  family(
    'h_calls_by_day_dst_week',
    'breakdown',
    [
      'daily breakdown of calls from October 29 to November 4',
      'call counts by day, Oct 29 through Nov 4',
      'break down calls by day for October 29 through November 4',
      'number of calls each day, Oct 29 – Nov 4',
      'how many calls per day between Oct 29 and Nov 4, day by day',
    ],
    (d, c) => groups(groupBy(calls(d, T.between(c, 10, 29, 11, 4)), byDay(c), count)),
  ),
  // ---- breakdowns by category
  family(
    'h_conversions_by_campaign_30d',
    'breakdown',
    [
      'conversions by campaign in the last 30 days',
      'how many conversions did each campaign get in the past 30 days?',
      'last 30 days conversions per campaign',
      'campaign breakdown of conversions, last 30 days',
      'show conversions grouped by campaign for the last 30 days',
    ],
    (d, c) => groups(groupBy(calls(d, T.lastDays(c, 30), converted), byCampaign, count)),
  ),
  family(
    'h_answer_rate_by_agent_this_week',
    'breakdown',
    [
      'answer rate by agent this week',
      "what percentage of each agent's calls were answered this week?",
      'this week, answer rate per agent',
      "each agent's answer rate so far this week",
      'break down this week’s answer rate by agent',
    ],
    (d, c) => ({
      kind: 'groups',
      values: groupBy(calls(d, T.week(c, 0)), byAgent, (xs) => pct(xs.filter(answered).length, xs.length)),
      unit: 'percent',
    }),
  ),
  // ---- comparisons
  family(
    'h_calls_this_week_vs_last',
    'compare',
    [
      'this week vs last week: calls',
      "compare this week's call count to last week",
      "how do this week's calls compare with last week?",
      'this week compared to last week, number of calls',
      'call volume: this week versus last week',
    ],
    (d, c) => compare(calls(d, T.week(c, 0)).length, calls(d, T.week(c, 1)).length),
  ),
  family(
    'h_conversions_oct_vs_sep',
    'compare',
    [
      'conversions in October vs September',
      'compare October conversions with September',
      'how did conversions in October compare to September?',
      'October versus September conversions',
      'number of conversions, October compared with September',
    ],
    (d, c) =>
      compare(
        calls(d, T.namedMonth(c, 10), converted).length,
        calls(d, T.namedMonth(c, 9), converted).length,
      ),
  ),
  family(
    'h_payout_this_month_vs_last',
    'compare',
    [
      'payout this month vs last month',
      'compare payouts this month against last month',
      "how does this month's payout compare with last month's?",
      'this month versus last month total payout',
      'total payout, this month compared to last month',
    ],
    (d, c) => compare(usd(calls(d, T.month(c, 0))), usd(calls(d, T.month(c, 1)))),
  ),
  // ---- place (the customer's number)
  family(
    'h_calls_by_country_30d',
    'place',
    [
      'calls by country in the last 30 days',
      'last 30 days call count per country',
      'breakdown of the last 30 days of calls by country',
      'number of calls per country over the past 30 days',
      'country breakdown for calls in the last 30 days',
    ],
    (d, c) => groups(groupBy(calls(d, T.lastDays(c, 30)), byCountry, count)),
  ),
  family(
    'h_texas_last_week',
    'place',
    [
      'how many calls from Texas last week?',
      'Texas calls last week',
      'last week, number of calls with Texas numbers',
      'count of calls from Texas for last week',
      'calls with a Texas phone number last week',
    ],
    (d, c) => n(calls(d, T.week(c, 1), (x) => byUsState(x) === 'TX')),
  ),
  family(
    'h_area_code_212_this_month',
    'place',
    [
      'calls from area code 212 this month',
      'how many calls this month from the 212 area code?',
      'number of 212 area code calls this month',
      'this month, calls with area code 212',
      'area code 212 call count for this month',
    ],
    (d, c) => n(calls(d, T.month(c, 0), (x) => areaCodeOf(x.customer) === '212')),
  ),
  family(
    'h_outside_us_30d',
    'place',
    [
      'how many calls from outside the US in the last 30 days?',
      'non-US calls over the past 30 days',
      'last 30 days, number of calls outside the United States',
      'count calls not from the US in the last 30 days',
      'calls from countries other than the US, last 30 days',
    ],
    (d, c) => n(calls(d, T.lastDays(c, 30), (x) => countryOf(x.customer) !== 'US')),
  ),
  family(
    'h_answered_by_us_state_month',
    'place',
    [
      'answered calls by US state this month',
      'this month answered calls per US state',
      "break down this month's answered calls by US state",
      'number of answered calls in each US state this month',
      'US state breakdown of answered calls for this month',
    ],
    (d, c) => groups(groupBy(calls(d, T.month(c, 0), answered), byUsState, count)),
  ),
  family(
    'h_canada_answer_rate',
    'place',
    [
      'answer rate for calls from Canada',
      'what percentage of Canadian calls were answered?',
      'Canada answer rate',
      'share of calls from Canada that got answered',
      'of calls with Canadian numbers, what percent were answered',
    ],
    (d, c) => {
      const xs = calls(d, T.allTime(c), (x) => countryOf(x.customer) === 'CA');
      return scalar(pct(xs.filter(answered).length, xs.length), 'percent');
    },
  ),
  // ---- several measures at once
  family(
    'h_calls_and_conversions_by_agent_last_week',
    'multi',
    [
      'calls and conversions by agent last week',
      'for each agent last week, number of calls and number of conversions',
      'last week: calls and conversions per agent',
      'show me calls plus conversions broken down by agent for last week',
      'by agent, how many calls and conversions last week?',
    ],
    (d, c): Expected => {
      const xs = calls(d, T.week(c, 1));
      return {
        kind: 'multi',
        values: {
          calls: groupBy(xs, byAgent, count),
          conversions: groupBy(xs.filter(converted), byAgent, count),
        },
      };
    },
  ),
  family(
    'h_calls_answered_payout_yesterday',
    'multi',
    [
      'calls, answered calls and total payout yesterday',
      'yesterday: total calls, answered calls, and payout',
      "give me yesterday's call count, answered count and payout",
      'how many calls, how many answered, and how much payout yesterday?',
      'number of calls and answered calls and the payout total for yesterday',
    ],
    (d, c): Expected => {
      const xs = calls(d, T.yesterday(c));
      return {
        kind: 'multi',
        values: { calls: xs.length, answered: xs.filter(answered).length, payout: sum(payouts(xs)) },
      };
    },
  ),
];
