// BLIND-4 evaluation set, calls (issue #14): written away from the translator, its tests and every
// other set's phrasings; only README "Reporting AI", SPEC §12, dataset.ts, oracle.ts, time.ts and the
// held-out header were read. Conventions are the held-out header's (NOW = 2026-11-18 15:00 UTC, a
// Wednesday 10:00 in America/New_York; answered ⇔ completed; rates over all calls unless a base is
// named; duration statistics over answered calls; payout statistics over converted calls unless the
// question divides by calls; place = the customer's number). Every expectation is an oracle.
import type { EvalCall } from '../dataset';
import {
  answered,
  avg,
  byAgent,
  byAreaCode,
  byCampaign,
  byCountry,
  byUsState,
  calls,
  compare,
  conversionRate,
  converted,
  count,
  durations,
  groupBy,
  groups,
  inbound,
  max,
  median,
  not,
  outbound,
  payouts,
  pct,
  percentile,
  scalar,
  status,
  sum,
  voicemail,
} from '../oracle';
import { countryOf, stateOf } from '../dataset';
import { lastDays, lastHours, month, namedMonth, week, yesterday } from '../time';
import { type Blind4Family, fam } from './blind4-family';

const isAgent = (a: string) => (x: EvalCall) => x.agent === a;

export const blind4CallFamilies: Blind4Family[] = [
  fam(
    'b4-count-yesterday',
    'count',
    [
      'hw many calls yday in total??',
      'Calls yesterday - total',
      'total number of calls for yesterday please',
      'ok so how many calls did we have all of yesterday',
      'yesterday how many calls in total',
    ],
    (d, c) => scalar(calls(d, yesterday(c)).length),
  ),
  fam(
    'b4-inbound-7d',
    'count',
    [
      'inbound calls in the last 7 days',
      'how many inbound calls over the past 7 days?',
      '# of incoming calls, last seven days',
      'count of inbound calls last 7 days pls',
      'INBOUND CALLS LAST 7 DAYS',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 7), inbound).length),
  ),
  fam(
    'b4-outbound-last-hour',
    'count',
    [
      'outbound calls in the last hour',
      'how many outbound calls did we place in the last hour',
      'outgoing calls last hour?',
      'number of outbound calls over the last 60 minutes',
      'hey how many outbound calls in the past hour',
    ],
    (d, c) => scalar(calls(d, lastHours(c, 1), outbound).length),
  ),
  fam(
    'b4-answer-rate-lastweek',
    'rate',
    [
      'answer rate for the whole of last week',
      'what % of calls got answered last week?',
      'percentage of calls answered last wk',
      'whats our answer rate lookin like for last week',
      'Last week answer rate (%)',
    ],
    (d, c) => {
      const xs = calls(d, week(c, 1));
      return scalar(pct(xs.filter(answered).length, xs.length), 'percent');
    },
  ),
  fam(
    'b4-conv-rate-by-agent-month',
    'rate',
    [
      'conversion rate by agent this month',
      'conv rate per agent for this month',
      'this month, conversion rate broken down by agent',
      'what is each agents conversion rate this month?',
      'show me conversion rate for every agent this month',
    ],
    (d, c) => groups(groupBy(calls(d, month(c, 0)), byAgent, conversionRate), 'percent'),
  ),
  fam(
    'b4-not-answered-week',
    'negation',
    [
      'how many calls were not answered this week',
      'unanswered calls this week?',
      'calls that went unanswered this week',
      'number of calls not picked up this week',
      'this week: how many calls did we miss',
    ],
    (d, c) => scalar(calls(d, week(c, 0), not(answered)).length),
  ),
  fam(
    'b4-answered-not-converted-share-oct',
    'negation',
    [
      '% of answered calls that did not convert last month',
      'what percent of answered calls didnt convert last month?',
      'of the answered calls last month, what share did not convert',
      'last month: percentage of answered calls that were not converted',
      'non-conversion rate among answered calls last month',
    ],
    (d, c) => {
      const xs = calls(d, month(c, 1), answered);
      return scalar(pct(xs.filter(not(converted)).length, xs.length), 'percent');
    },
  ),
  fam(
    'b4-voicemail-share-answered-30d',
    'rate',
    [
      'voicemail share of answered calls in the last 30 days',
      'what % of answered calls went to voicemail in the last 30 days',
      'voicemail as a percentage of answered calls, last 30 days',
      'among answered calls in the past 30 days, how many percent were voicemail?',
      'percent voicemail among answered calls last 30 days',
    ],
    (d, c) => {
      const xs = calls(d, lastDays(c, 30), answered);
      return scalar(pct(xs.filter(voicemail).length, xs.length), 'percent');
    },
  ),
  fam(
    'b4-busy-lastweek',
    'count',
    [
      'how many busy calls last week',
      'calls that got a busy signal last week?',
      'busy calls, last week',
      'number of calls with status busy last week',
      'last wk how many calls were busy',
    ],
    (d, c) => scalar(calls(d, week(c, 1), status('busy')).length),
  ),
  fam(
    'b4-over-5min-30d',
    'threshold',
    [
      'calls longer than 5 minutes in the last 30 days',
      'how many calls lasted over 5 min in the past 30 days?',
      'number of calls > 5 minutes last 30 days',
      'calls that went over 5 minutes, last 30 days',
      'count calls lasting more than 300 seconds over the last 30 days',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 30), (x) => x.duration > 300).length),
  ),
  fam(
    'b4-payout-over-30-month',
    'threshold',
    [
      'so far this month how many conversions paid more than $30',
      'conversions w/ a payout over $30 this month?',
      'number of conversions with payout > $30 this month',
      'this month, conversions paying above 30 dollars',
      'count of conversions where payout was more than $30 this month',
    ],
    (d, c) => scalar(calls(d, month(c, 0), converted, (x) => x.payout > 30).length),
  ),
  fam(
    'b4-median-duration-oct-secs',
    'order_stat',
    [
      'median call duration for last month, answer in seconds',
      'what was the median call length last month (seconds)?',
      'median duration of calls last month, in secs',
      'last month median call duration in seconds pls',
      'give me the median call time in seconds for last month',
    ],
    (d, c) => scalar(median(durations(calls(d, month(c, 1), answered))), 'seconds'),
  ),
  fam(
    'b4-p90-duration-30d-min',
    'order_stat',
    [
      '90th percentile call duration in minutes, last 30 days',
      'p90 call length over the last 30 days in minutes',
      'what is the 90th percentile of call duration in the past 30 days, in minutes?',
      'call duration 90th percentile last 30 days (minutes)',
      'in minutes, the 90th percentile call duration for the last 30 days',
    ],
    (d, c) => scalar(percentile(durations(calls(d, lastDays(c, 30), answered)), 90) / 60, 'minutes'),
  ),
  fam(
    'b4-longest-thisweek-min',
    'order_stat',
    [
      'longest call this week in minutes',
      'what was the longest call this week, in minutes?',
      'max call duration this week in minutes',
      'this week whats the longest call (minutes)',
      'how long was our longest call this week in minutes',
    ],
    (d, c) => scalar(max(durations(calls(d, week(c, 0), answered))) / 60, 'minutes'),
  ),
  fam(
    'b4-payout-per-call-lastweek',
    'per_unit',
    [
      'average payout per call last week',
      'avg payout per call for last week?',
      'what did payout per call come to last week',
      'last week payout per call on average',
      'payout / call last week',
    ],
    (d, c) => {
      const xs = calls(d, week(c, 1));
      return scalar(sum(payouts(xs)) / xs.length, 'usd');
    },
  ),
  fam(
    'b4-avg-payout-conversion-oct',
    'order_stat',
    [
      'average payout per conversion in October',
      'avg payout per conversion october?',
      'what was the average payout per converted call in October',
      'October: mean payout per conversion',
      'average conversion payout for october',
    ],
    (d, c) => scalar(avg(payouts(calls(d, namedMonth(c, 10), converted))), 'usd'),
  ),
  fam(
    'b4-calls-per-day-oct',
    'per_unit',
    [
      'avg calls per day during October',
      'how many calls per day on average in october?',
      'avg number of calls a day in October',
      'October calls/day on average',
      'on average how many calls did we get per day in October',
    ],
    (d, c) => scalar(calls(d, namedMonth(c, 10)).length / 31),
  ),
  fam(
    'b4-talk-time-yesterday-hours',
    'units',
    [
      'total talk time yesterday in hours',
      'how many hours did we spend on calls yesterday',
      'total call duration yesterday in hours?',
      'yesterday total duration of calls, in hours',
      'sum of call durations yesterday (hours)',
    ],
    (d, c) => scalar(sum(durations(calls(d, yesterday(c), answered))) / 3600, 'hours'),
  ),
  fam(
    'b4-excluding-ben-lastweek',
    'negation',
    [
      'calls last week excluding Ben',
      'how many calls last week not counting Ben',
      'last week calls, Ben excluded',
      'number of calls last week excluding agent Ben',
      'calls last week except for Ben',
    ],
    (d, c) => scalar(calls(d, week(c, 1), not(isAgent('Ben'))).length),
  ),
  fam(
    'b4-outside-us-month',
    'place',
    [
      'calls from outside the US this month',
      'how many calls came from outside the US so far this month?',
      'this month, number of calls outside the United States',
      'international calls outside the US this month count',
      'calls this month from outside the us',
    ],
    (d, c) => scalar(calls(d, month(c, 0), (x) => countryOf(x.customer) !== 'US').length),
  ),
  fam(
    'b4-by-country-month',
    'breakdown',
    [
      'quick one: calls by country this month',
      'breakdown of calls by country for this month',
      'how many calls per country this month?',
      'this month calls split by country',
      'number of calls by caller country this month',
    ],
    (d, c) => groups(groupBy(calls(d, month(c, 0)), byCountry, count)),
  ),
  fam(
    'b4-answer-rate-by-us-state-30d',
    'place',
    [
      'answer rate by US state last 30 days',
      'answer rate per US state over the last 30 days',
      'what is the answer rate in each US state for the past 30 days',
      'last 30 days answer % by US state',
      'US state breakdown of answer rate, last 30 days',
    ],
    (d, c) =>
      groups(
        groupBy(calls(d, lastDays(c, 30)), byUsState, (xs) => pct(xs.filter(answered).length, xs.length)),
        'percent',
      ),
  ),
  fam(
    'b4-area-212-oct',
    'place',
    [
      'calls from area code 212 last month',
      'how many calls from the 212 area code last month?',
      'last month, number of calls with area code 212',
      'area code 212 call count for last month',
      'count calls in area code 212 last month',
    ],
    (d, c) => scalar(calls(d, month(c, 1), (x) => byAreaCode(x) === '212').length),
  ),
  fam(
    'b4-conversions-texas-month',
    'place',
    [
      'conversions from Texas this month',
      'how many conversions in Texas this month?',
      'this month conversions from TX',
      'number of converted calls from texas this month',
      'Texas conversions this month',
    ],
    (d, c) =>
      scalar(
        calls(
          d,
          month(c, 0),
          converted,
          (x) => countryOf(x.customer) === 'US' && stateOf(x.customer) === 'TX',
        ).length,
      ),
  ),
  fam(
    'b4-conversions-by-campaign-oct',
    'breakdown',
    [
      'conversions by campaign for all of last month',
      'how many conversions per campaign last month',
      'last month conversions broken down by campaign',
      'campaign breakdown of conversions for last month',
      'number of conversions for each campaign last month?',
    ],
    (d, c) => groups(groupBy(calls(d, month(c, 1), converted), byCampaign, count)),
  ),
  fam(
    'b4-calls-vs-week',
    'compare',
    [
      'calls this week vs last week pls',
      'can you compare calls this week with last week',
      'how do calls this week compare to last week?',
      'this week vs last week: number of calls',
      'number of calls - this week versus last week',
    ],
    (d, c) => compare(calls(d, week(c, 0)).length, calls(d, week(c, 1)).length),
  ),
  fam(
    'b4-conversions-oct-vs-sep',
    'compare',
    [
      'conversions in October vs in September',
      'compare conversions October versus September',
      'October conversions compared to September',
      'how did conversions in october compare with september?',
      'conversions: october vs september',
    ],
    (d, c) =>
      compare(calls(d, namedMonth(c, 10), converted).length, calls(d, namedMonth(c, 9), converted).length),
  ),
  fam(
    'b4-multi-yesterday',
    'multi',
    [
      'calls, answered calls and conversions yesterday',
      'yesterday: calls, answered calls, conversions',
      'give me calls, answered calls and conversions for yesterday',
      'how many calls, answered calls and conversions did we have yesterday',
      'calls + answered calls + conversions yesterday',
    ],
    (d, c) => {
      const xs = calls(d, yesterday(c));
      return {
        kind: 'multi',
        values: {
          calls: xs.length,
          answered: xs.filter(answered).length,
          conversions: xs.filter(converted).length,
        },
      };
    },
  ),
  fam(
    'b4-multi-by-agent-lastweek',
    'multi',
    [
      'calls and conversions by agent over last week',
      'last week: calls and conversions per agent please',
      'for each agent, calls and conversions last week',
      'show calls and conversions broken down by agent for last week',
      'agent breakdown of calls and conversions last week',
    ],
    (d, c) => {
      const xs = calls(d, week(c, 1));
      return {
        kind: 'multi',
        values: {
          calls: groupBy(xs, byAgent, count),
          conversions: groupBy(xs, byAgent, (g) => g.filter(converted).length),
        },
      };
    },
  ),
];
