// The unit asked for: hours, minutes, dollars. Values are in that unit (durations over answered calls).
import { type Family, avgDuration, calls, durations, family, max, payouts, scalar, sum } from '../oracle';
import * as T from '../time';

export const unitFamilies: Family[] = [
  // Units asked for.
  family(
    'talk_hours_last_month',
    'units',
    [
      'How many hours did we spend on calls last month?',
      'total talk time last month in hours',
      'hours of talk time last month',
      "last month's total call time, in hours",
      'how many hours of calls did we have in October',
      'total call duration last month (hours)',
    ],
    (d, c) => scalar(sum(durations(calls(d, T.month(c, 1)))) / 3600, 'hours'),
  ),
  family(
    'avg_duration_minutes_this_month',
    'units',
    [
      "What's the average call duration this month in minutes?",
      'average call length in minutes this month',
      'avg call duration this month, minutes please',
      'how many minutes does an answered call last on average this month',
      "mean duration in minutes of this month's answered calls",
    ],
    (d, c) => scalar(avgDuration(calls(d, T.month(c, 0))) / 60, 'minutes'),
  ),
  family(
    'talk_minutes_yesterday',
    'units',
    [
      'total talk time yesterday in minutes',
      'how many minutes were we on the phone yesterday',
      'minutes of talk time yesterday',
      "yesterday's total call minutes",
      'sum of call durations yesterday, in minutes',
    ],
    (d, c) => scalar(sum(durations(calls(d, T.yesterday(c)))) / 60, 'minutes'),
  ),
  family(
    'payout_last_week',
    'units',
    [
      'How much payout did we earn last week?',
      'total payout last week',
      'payout last week in dollars',
      'how much money did calls pay out last week',
      "last week's total payout",
      'sum of payouts last week',
    ],
    (d, c) => scalar(sum(payouts(calls(d, T.week(c, 1)))), 'usd'),
  ),
  family(
    'longest_call_minutes_all_time',
    'units',
    [
      'how long was our longest call ever, in minutes',
      'longest call in minutes',
      'max call duration in minutes',
      "what's the longest call we've had, in minutes",
      'longest ever call length (minutes)',
    ],
    (d, c) => scalar(max(durations(calls(d, T.allTime(c)))) / 60, 'minutes'),
  ),
  family(
    'payout_since_january',
    'units',
    [
      'How much have we earned in payouts since January?',
      'total payout since January',
      'payouts since the start of January',
      "since January, what's the total payout",
      'sum of payout since January 1',
    ],
    (d, c) => scalar(sum(payouts(calls(d, T.since(c, 1)))), 'usd'),
  ),
];
