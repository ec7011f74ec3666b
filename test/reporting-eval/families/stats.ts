// Extremes and order statistics, per-unit averages, and the unit asked for. Duration statistics are
// over answered calls (others have no duration); payout statistics over converted calls unless the
// question divides by something else ("per call", "per answered call").
import {
  type Family,
  answered,
  avg,
  avgDuration,
  byAgent,
  calls,
  converted,
  durations,
  family,
  groupBy,
  groups,
  max,
  median,
  min,
  payouts,
  percentile,
  scalar,
  sum,
} from '../oracle';
import * as T from '../time';

export const statFamilies: Family[] = [
  family(
    'longest_call_last_week',
    'order_stat',
    [
      'What was the longest call last week?',
      'longest call duration last week',
      'max call length last week',
      'how long was our longest call last week',
      'the longest call we had last week, in seconds',
      "what's the maximum duration of a call last week",
    ],
    (d, c) => scalar(max(durations(calls(d, T.week(c, 1)))), 'seconds'),
  ),
  family(
    'shortest_answered_this_month',
    'order_stat',
    [
      'What was the shortest answered call this month?',
      'shortest call that got answered this month',
      'minimum duration of an answered call this month',
      'the quickest answered call this month, in seconds',
      'how short was the shortest answered call this month',
    ],
    (d, c) => scalar(min(durations(calls(d, T.month(c, 0), answered))), 'seconds'),
  ),
  family(
    'median_duration_last_30_days',
    'order_stat',
    [
      "What's the median call duration over the last 30 days?",
      'median duration of answered calls, last 30 days',
      'median call length last 30 days',
      'in the last 30 days, what was the median call duration',
      'typical (median) call duration for the last 30 days',
    ],
    (d, c) => scalar(median(durations(calls(d, T.lastDays(c, 30), answered))), 'seconds'),
  ),
  family(
    'p90_duration_all_time',
    'order_stat',
    [
      "What's the 90th percentile of call duration?",
      'p90 call duration',
      '90th percentile call length',
      'duration at the 90th percentile for answered calls',
      'what is the 90th percentile of how long answered calls last',
    ],
    (d, c) => scalar(percentile(durations(calls(d, T.allTime(c), answered)), 90), 'seconds'),
  ),
  family(
    'p75_duration_last_month',
    'order_stat',
    [
      '75th percentile call duration last month',
      'p75 duration last month',
      "what's the 75th percentile of answered call length last month",
      'last month, the 75th percentile of call duration',
      'upper quartile of call duration last month',
    ],
    (d, c) => scalar(percentile(durations(calls(d, T.month(c, 1), answered)), 75), 'seconds'),
  ),
  family(
    'median_payout_converted',
    'order_stat',
    [
      "What's the median payout per converted call?",
      'median payout of converted calls',
      'median conversion payout',
      "what's the middle payout value across conversions",
      'median payout for calls that converted',
    ],
    (d, c) => scalar(median(payouts(calls(d, T.allTime(c), converted))), 'usd'),
  ),
  family(
    'max_payout_last_month',
    'order_stat',
    [
      'What was the highest payout last month?',
      'biggest payout last month',
      'max payout on a single call last month',
      'largest single-call payout in October',
      'top payout for one call last month',
    ],
    (d, c) => scalar(max(payouts(calls(d, T.month(c, 1)))), 'usd'),
  ),
  family(
    'min_payout_converted',
    'order_stat',
    [
      "What's the smallest payout on a converted call?",
      'lowest payout for a conversion',
      'minimum payout among converted calls',
      'smallest conversion payout',
      "what's the least we've been paid for a converted call",
    ],
    (d, c) => scalar(min(payouts(calls(d, T.allTime(c), converted))), 'usd'),
  ),
  family(
    'longest_by_agent_this_month',
    'order_stat',
    [
      'longest call for each agent this month',
      'max call duration by agent this month',
      'per agent, the longest call this month',
      "each agent's longest call this month in seconds",
      "this month's longest call by agent",
    ],
    (d, c) =>
      groups(
        groupBy(calls(d, T.month(c, 0)), byAgent, (xs) => max(durations(xs))),
        'seconds',
      ),
  ),
  // Per-unit averages.
  family(
    'payout_per_call_last_month',
    'per_unit',
    [
      'What was the average payout per call last month?',
      'payout per call last month',
      'average payout across all calls last month',
      'how much did we earn per call on average last month',
      "last month's payout divided by the number of calls",
    ],
    (d, c) => scalar(avg(payouts(calls(d, T.month(c, 1)))), 'usd'),
  ),
  family(
    'payout_per_answered_last_30_days',
    'per_unit',
    [
      'Payout per answered call over the last 30 days',
      'average payout per answered call, last 30 days',
      'how much payout did each answered call bring in on average over the last 30 days',
      'last 30 days: total payout divided by answered calls',
      'average payout for answered calls in the last 30 days',
    ],
    (d, c) => scalar(avg(payouts(calls(d, T.lastDays(c, 30), answered))), 'usd'),
  ),
  family(
    'payout_per_conversion',
    'per_unit',
    [
      "What's the average payout per converted call?",
      'payout per conversion',
      'average payout per conversion',
      'how much does a conversion pay on average',
      'mean payout of converted calls',
      'average payout for calls that converted',
    ],
    (d, c) => scalar(avg(payouts(calls(d, T.allTime(c), converted))), 'usd'),
  ),
  family(
    'calls_per_day_last_week',
    'per_unit',
    [
      'How many calls per day did we average last week?',
      'average calls per day last week',
      'daily average call volume last week',
      'calls per day last week on average',
      'on average how many calls a day last week',
      'mean number of daily calls last week',
    ],
    (d, c) => scalar(calls(d, T.week(c, 1)).length / 7),
  ),
  family(
    'calls_per_day_last_month',
    'per_unit',
    [
      'average number of calls per day last month',
      'daily call average for last month',
      'last month, how many calls did we have per day on average',
      'average calls per day in October',
      'mean daily calls last month',
    ],
    (d, c) => scalar(calls(d, T.month(c, 1)).length / 31),
  ),
  family(
    'avg_duration_last_week',
    'per_unit',
    [
      'What was the average call duration last week?',
      'average call length last week',
      'avg duration of answered calls last week',
      'how long did calls last on average last week',
      'mean call duration last week',
    ],
    (d, c) => scalar(avgDuration(calls(d, T.week(c, 1))), 'seconds'),
  ),
  family(
    'talk_minutes_by_agent_this_month',
    'per_unit',
    [
      'total talk time by agent this month in minutes',
      'how many minutes did each agent talk this month',
      'talk time per agent this month (minutes)',
      'minutes on calls per agent this month',
      "each agent's total talk time this month, in minutes",
      "this month's talk minutes by agent",
    ],
    (d, c) =>
      groups(
        groupBy(calls(d, T.month(c, 0)), byAgent, (xs) => sum(durations(xs)) / 60),
        'minutes',
      ),
  ),
  family(
    'avg_duration_by_agent_last_30_days',
    'per_unit',
    [
      'average call duration by agent over the last 30 days',
      'avg call length per agent, last 30 days',
      'for each agent, the average duration of answered calls in the last 30 days',
      'last 30 days: mean call duration by agent',
      'how long are calls on average for each agent over the last 30 days',
    ],
    (d, c) => groups(groupBy(calls(d, T.lastDays(c, 30)), byAgent, avgDuration), 'seconds'),
  ),
];
