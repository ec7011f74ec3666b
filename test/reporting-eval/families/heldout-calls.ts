// Held-out families (see heldout-set.ts): counts, negations, rates, thresholds, statistics, per-unit
// averages and units over calls.
import type { EvalCall } from '../dataset';
import {
  type Family,
  agent,
  answered,
  avg,
  calls,
  converted,
  durations,
  family,
  groupBy,
  inbound,
  max,
  median,
  min,
  not,
  outbound,
  payouts,
  pct,
  percentile,
  scalar,
  status,
  sum,
  byAgent,
  voicemail,
} from '../oracle';
import * as T from '../time';

const n = (xs: unknown[]) => scalar(xs.length);
const share = (xs: EvalCall[], p: (x: EvalCall) => boolean) =>
  scalar(pct(xs.filter(p).length, xs.length), 'percent');

export const heldoutCallFamilies: Family[] = [
  // ---- counts
  family(
    'h_inbound_last_week',
    'count',
    [
      'how many inbound calls came in last week?',
      'last week, how many calls were inbound',
      'give me the inbound call count for last week',
      'how many incoming calls did we have last week',
      'what was our inbound call volume last week?',
      'count of inbound calls for last week',
    ],
    (d, c) => n(calls(d, T.week(c, 1), inbound)),
  ),
  family(
    'h_outbound_today',
    'count',
    [
      'how many outbound calls have we made today',
      'outbound calls so far today',
      "today's outbound call count",
      'how many outgoing calls today?',
      'give me the count of outbound calls for today',
      'number of outbound calls today',
    ],
    (d, c) => n(calls(d, T.today(c), outbound)),
  ),
  family(
    'h_cleo_last_30_days',
    'count',
    [
      'how many calls did Cleo handle in the last 30 days?',
      "Cleo's call count over the past 30 days",
      'number of calls for agent Cleo, last 30 days',
      'last 30 days: how many calls did Cleo take',
      'how many calls has Cleo had in the past 30 days',
      'show me how many calls Cleo handled in the last thirty days',
    ],
    (d, c) => n(calls(d, T.lastDays(c, 30), agent('Cleo'))),
  ),
  // ---- negations
  family(
    'h_unanswered_yesterday',
    'negation',
    [
      'how many calls went unanswered yesterday?',
      "yesterday's missed calls",
      'number of calls no one answered yesterday',
      'how many calls did we miss yesterday',
      'count of unanswered calls from yesterday',
      "calls yesterday that weren't answered",
    ],
    (d, c) => n(calls(d, T.yesterday(c), not(answered))),
  ),
  family(
    'h_answered_not_converted_month',
    'negation',
    [
      'how many answered calls did not convert this month?',
      "this month, answered calls that didn't convert",
      'number of calls this month that were answered but not converted',
      'answered but unconverted calls this month',
      "how many of this month's answered calls never converted",
      'count answered calls without a conversion this month',
    ],
    (d, c) => n(calls(d, T.month(c, 0), answered, not(converted))),
  ),
  family(
    'h_excluding_ben_7d',
    'negation',
    [
      'how many calls in the last 7 days excluding Ben?',
      'last 7 days call count, not counting Ben',
      'calls over the past 7 days from everyone except Ben',
      "number of calls in the last seven days without Ben's",
      'how many calls did agents other than Ben take in the last 7 days',
      "past 7 days, all calls except Ben's",
    ],
    (d, c) => n(calls(d, T.lastDays(c, 7), not(agent('Ben')))),
  ),
  // ---- rates and shares
  family(
    'h_answer_rate_last_week',
    'rate',
    [
      'answer rate for last week, please',
      "last week's answer rate",
      "what percentage of last week's calls got answered",
      "share of last week's calls that got answered",
      'pickup rate last week',
      'last week, what percent of our calls did we answer?',
    ],
    (d, c) => share(calls(d, T.week(c, 1)), answered),
  ),
  family(
    'h_conversion_rate_this_month',
    'rate',
    [
      'conversion rate this month',
      'what % of calls converted this month?',
      "this month's conversion percentage",
      "what proportion of this month's calls converted",
      'show me the conversion rate for this month',
      'so far this month, what share of calls converted?',
    ],
    (d, c) => share(calls(d, T.month(c, 0)), converted),
  ),
  family(
    'h_conversion_among_answered_30d',
    'rate',
    [
      'of the answered calls in the last 30 days, what percentage converted?',
      'among calls we answered in the last 30 days, the conversion rate',
      'last 30 days: conversions as a percentage of answered calls',
      'what share of answered calls converted over the past 30 days',
      'percent of answered calls that converted in the last 30 days',
    ],
    (d, c) => share(calls(d, T.lastDays(c, 30), answered), converted),
  ),
  family(
    'h_voicemail_rate_14d',
    'rate',
    [
      'voicemail rate over the last 14 days',
      'what percentage of calls went to voicemail in the last 14 days?',
      'share of calls hitting voicemail, past 14 days',
      'voicemail percentage for the last 14 days',
      'in the last 14 days, what fraction of all calls reached voicemail, in percent',
      'last 14 days: percent of calls that ended in voicemail',
    ],
    (d, c) => share(calls(d, T.lastDays(c, 14)), voicemail),
  ),
  family(
    'h_failure_rate_by_agent_last_month',
    'rate',
    [
      'failure rate by agent last month',
      "what percentage of each agent's calls failed last month?",
      'last month, failed call rate per agent',
      'show me the share of failed calls for each agent in October',
      'percent of calls that failed, broken down by agent, last month',
      "give me each agent's failure rate for last month",
    ],
    (d, c) => ({
      kind: 'groups',
      values: groupBy(calls(d, T.month(c, 1)), byAgent, (xs) =>
        pct(xs.filter(status('failed')).length, xs.length),
      ),
      unit: 'percent',
    }),
  ),
  family(
    'h_busy_rate_this_week',
    'rate',
    [
      'busy rate this week',
      'what percent of calls this week got a busy signal?',
      "share of this week's calls that were busy",
      "this week's busy percentage",
      'proportion of busy calls so far this week',
      'this week, busy calls as a percentage of all calls',
    ],
    (d, c) => share(calls(d, T.week(c, 0)), status('busy')),
  ),
  // ---- thresholds
  family(
    'h_longer_than_5_min_30d',
    'threshold',
    [
      'how many calls lasted more than 5 minutes in the last 30 days?',
      'calls longer than five minutes, last 30 days',
      'number of calls over 5 min in the past 30 days',
      'last 30 days: count of calls with a duration above 300 seconds',
      'how many calls ran past 5 minutes in the last 30 days',
      'in the last 30 days how many calls went longer than 5 minutes',
    ],
    (d, c) => n(calls(d, T.lastDays(c, 30), (x) => x.duration > 300)),
  ),
  family(
    'h_answered_under_30s_month',
    'threshold',
    [
      'how many answered calls were shorter than 30 seconds this month?',
      'this month, answered calls under 30 seconds',
      'count of answered calls lasting less than 30 sec this month',
      'number of answered calls below 30 seconds in duration this month',
      'answered calls this month that were under 30s',
    ],
    (d, c) => n(calls(d, T.month(c, 0), answered, (x) => x.duration < 30)),
  ),
  family(
    'h_payout_over_30_90d',
    'threshold',
    [
      'how many calls paid out more than $30 in the last 90 days?',
      'calls with a payout over $30, last 90 days',
      'number of conversions worth more than 30 dollars in the past 90 days',
      'last 90 days: count of calls where the payout exceeded $30',
      'how many calls had a payout above 30 in the last 90 days',
    ],
    (d, c) => n(calls(d, T.lastDays(c, 90), (x) => x.payout > 30)),
  ),
  family(
    'h_ava_long_calls_last_month',
    'threshold',
    [
      'how many of Ava’s calls last month were longer than 10 minutes?',
      'calls over 10 minutes handled by Ava last month',
      'last month, number of Ava calls lasting more than 10 min',
      'Ava: calls longer than 600 seconds in October',
      'count calls by agent Ava longer than ten minutes last month',
    ],
    (d, c) => n(calls(d, T.month(c, 1), agent('Ava'), (x) => x.duration > 600)),
  ),
  // ---- extremes and order statistics (durations over answered calls, payouts over converted calls)
  family(
    'h_longest_call_last_week',
    'order_stat',
    [
      'what was the longest call last week, in seconds?',
      'longest call duration last week (seconds)',
      "how long was last week's longest call in seconds",
      'max call duration last week in seconds',
      'show me the maximum call length for last week, in seconds',
    ],
    (d, c) => scalar(max(durations(calls(d, T.week(c, 1), answered))), 'seconds'),
  ),
  family(
    'h_shortest_answered_this_week',
    'order_stat',
    [
      'shortest answered call this week in seconds',
      'what was the shortest call we answered this week? seconds please',
      'minimum duration of answered calls this week, in seconds',
      "this week's shortest answered call length in seconds",
      'in seconds, how short was the shortest answered call this week',
    ],
    (d, c) => scalar(min(durations(calls(d, T.week(c, 0), answered))), 'seconds'),
  ),
  family(
    'h_median_duration_last_month',
    'order_stat',
    [
      'median call duration last month in seconds',
      'what was the median call length in October, in seconds?',
      "last month's median duration (seconds)",
      'give me the median call duration for last month in seconds',
      "in seconds, what is the median length of last month's calls",
    ],
    (d, c) => scalar(median(durations(calls(d, T.month(c, 1), answered))), 'seconds'),
  ),
  family(
    'h_p90_duration_30d',
    'order_stat',
    [
      '90th percentile call duration over the last 30 days, in seconds',
      'p90 call length last 30 days in seconds',
      'what is the 90th percentile of call duration in the past 30 days (seconds)?',
      'last 30 days, 90th percentile duration in seconds',
      'show me the p90 duration in seconds for the last 30 days',
    ],
    (d, c) => scalar(percentile(durations(calls(d, T.lastDays(c, 30), answered)), 90), 'seconds'),
  ),
  family(
    'h_median_payout_all_time',
    'order_stat',
    [
      'median payout',
      'what is our median payout per conversion?',
      'median payout across converted calls',
      'give me the median payout of all time',
      'median payout for a conversion',
      'what is the median payout on converted calls',
    ],
    (d, c) => scalar(median(payouts(calls(d, T.allTime(c), converted))), 'usd'),
  ),
  family(
    'h_max_payout_this_month',
    'order_stat',
    [
      'highest payout this month',
      'biggest single payout this month',
      'what was the max payout this month?',
      'largest payout on a call this month',
      "this month's top payout",
    ],
    (d, c) => scalar(max(payouts(calls(d, T.month(c, 0), converted))), 'usd'),
  ),
  // ---- per-unit averages
  family(
    'h_payout_per_call_last_week',
    'per_unit',
    [
      'payout per call last week',
      'what was our payout per call last week?',
      "last week's total payout divided by the number of calls",
      'last week, how much payout did we make per call',
      'payout per call for last week, counting every call',
    ],
    (d, c) => {
      const xs = calls(d, T.week(c, 1));
      return scalar(sum(payouts(xs)) / xs.length, 'usd');
    },
  ),
  family(
    'h_payout_per_answered_this_month',
    'per_unit',
    [
      'payout per answered call this month',
      'this month, payout for each answered call on average',
      'how much payout per answered call this month?',
      'what is the payout per answered call for this month',
      "this month's payout divided by answered calls",
    ],
    (d, c) => {
      const xs = calls(d, T.month(c, 0));
      return scalar(sum(payouts(xs)) / xs.filter(answered).length, 'usd');
    },
  ),
  family(
    'h_payout_per_conversion_30d',
    'per_unit',
    [
      'average payout per conversion in the last 30 days',
      'avg payout per converted call, last 30 days',
      'what does a conversion pay on average over the past 30 days?',
      'mean payout of converted calls in the last 30 days',
      'average conversion payout over the last 30 days',
    ],
    (d, c) => scalar(avg(payouts(calls(d, T.lastDays(c, 30), converted))), 'usd'),
  ),
  family(
    'h_calls_per_day_last_week',
    'per_unit',
    [
      'average daily calls last week',
      'how many calls per day, on average, last week?',
      'daily call average for last week',
      'last week, calls per day on average',
      'mean number of calls a day last week',
    ],
    (d, c) => scalar(calls(d, T.week(c, 1)).length / 7),
  ),
  // ---- units
  family(
    'h_talk_minutes_by_agent_last_week',
    'units',
    [
      'total talk time per agent last week in minutes',
      'minutes of talk time for each agent last week',
      'last week talk minutes by agent',
      'how many minutes did each agent spend on calls last week?',
      'sum of call duration by agent for last week, in minutes',
    ],
    (d, c) => ({
      kind: 'groups',
      values: groupBy(calls(d, T.week(c, 1), answered), byAgent, (xs) => sum(durations(xs)) / 60),
      unit: 'minutes',
    }),
  ),
  family(
    'h_total_hours_this_month',
    'units',
    [
      'total talk time this month in hours',
      'how many hours were we on the phone this month?',
      'hours of calls this month',
      'this month, total call duration in hours',
      'how many hours of talk time so far this month',
    ],
    (d, c) => scalar(sum(durations(calls(d, T.month(c, 0), answered))) / 3600, 'hours'),
  ),
  family(
    'h_avg_minutes_yesterday',
    'units',
    [
      'average call length yesterday in minutes',
      'how many minutes did calls last on average yesterday?',
      "yesterday's average call duration, in minutes",
      'mean call duration in minutes for yesterday',
      'in minutes, what was the average call duration yesterday',
    ],
    (d, c) => scalar(avg(durations(calls(d, T.yesterday(c), answered))) / 60, 'minutes'),
  ),
];
