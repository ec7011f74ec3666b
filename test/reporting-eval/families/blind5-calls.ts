// BLIND-5 families about calls: counts, rates and shares, negation, thresholds, statistics, per-unit
// averages and units. Written in registers the earlier sets may not have used: a sales manager's Slack
// message, a Ringba publisher's terse query, a non-native English speaker, voice-dictated text without
// punctuation, a leading context sentence. Conventions: families/heldout-set.ts header.
import {
  answerRate,
  answered,
  avg,
  calls,
  converted,
  inbound,
  max,
  median,
  not,
  outbound,
  pct,
  percentile,
  scalar,
  status,
  sum,
  voicemail,
  durations,
  payouts,
} from '../oracle';
import { dayAgo, lastDays, month, week, yesterday } from '../time';
import type { Blind5Family } from './blind5-set';

const f = (
  id: string,
  kind: Blind5Family['kind'],
  phrasings: string[],
  expect: Blind5Family['expect'],
  also?: Blind5Family['also'],
): Blind5Family => ({ id, kind, phrasings, expect, ...(also ? { also } : {}) });

export const blind5CallFamilies: Blind5Family[] = [
  f(
    'b5-inbound-yesterday',
    'count',
    [
      'hey team quick one - how many inbound calls came in yesterday?',
      'inbound calls yday pls',
      'how much inbound call we have yesterday',
      'how many inbound calls did we get yesterday thanks',
      'Ops asked me for a number. total inbound calls for yesterday?',
    ],
    (d, c) => scalar(calls(d, yesterday(c), inbound).length),
  ),
  f(
    'b5-answered-7d',
    'count',
    [
      'answered calls in the last 7 days',
      'how many calls got answered in the last seven days',
      'can u pull the answered call count for last 7 days',
      'in the last 7 days how many calls were answered please',
      'answered calls for the past 7 days, thx',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 7), answered).length),
  ),
  f(
    'b5-conv-rate-month',
    'rate',
    [
      'this months conv rate?',
      'whats our conversion rate so far this month',
      'conversion rate for this month please',
      'what percentage of calls converted this month',
      'Boss wants the conversion rate for the month so far, can you get it',
    ],
    (d, c) => scalar(pct(calls(d, month(c, 0), converted).length, calls(d, month(c, 0)).length), 'percent'),
  ),
  f(
    'b5-inbound-answer-rate-lw',
    'rate',
    [
      'answer rate on inbound calls last week',
      'what % of inbound calls were answered last week?',
      'last week inbound answer rate pls',
      'of the inbound calls last week what percent got answered',
      'Inbound answer rate for last week - need it for the standup',
    ],
    (d, c) => scalar(answerRate(calls(d, week(c, 1), inbound)), 'percent'),
  ),
  f(
    'b5-voicemail-share-answered',
    'rate',
    [
      'voicemail share of answered calls last 30 days',
      'of answered calls in the last 30 days, what percent were voicemail',
      'voicemail rate among answered calls last 30 days',
      'last 30 days voicemail as a percentage of answered calls',
      'what percent of the answered calls went to voicemail in the last 30 days',
    ],
    (d, c) =>
      scalar(
        pct(calls(d, lastDays(c, 30), voicemail).length, calls(d, lastDays(c, 30), answered).length),
        'percent',
      ),
  ),
  f(
    'b5-busy-rate-outbound',
    'rate',
    [
      'busy rate for outbound calls this month',
      'what percent of outbound calls were busy this month',
      'outbound busy % this month',
      'this month how many percent of the outbound calls was busy',
      'share of outbound calls that were busy this month?',
    ],
    (d, c) =>
      scalar(
        pct(calls(d, month(c, 0), outbound, status('busy')).length, calls(d, month(c, 0), outbound).length),
        'percent',
      ),
  ),
  f(
    'b5-missed-yesterday',
    'negation',
    [
      'yesterday missed calls total??',
      'yesterday how many calls were not answered',
      '# of unanswered calls yesterday',
      'we had a rough day yesterday. how many calls went unanswered?',
      'count of missed calls for yesterday',
    ],
    (d, c) => scalar(calls(d, yesterday(c), not(answered)).length),
  ),
  f(
    'b5-answered-not-converted-week',
    'negation',
    [
      'answered but not converted calls this week',
      'how many answered calls did not convert this week',
      'this week: calls that were answered but did not convert',
      'how many calls were answered this week but not converted?',
      'answered calls this week that didnt convert',
    ],
    (d, c) => scalar(calls(d, week(c, 0), answered, not(converted)).length),
  ),
  f(
    'b5-over-5min-30d',
    'threshold',
    [
      'calls over 5 minutes in the last 30 days',
      'how many calls lasted more than 5 min in last 30 days',
      'number of calls longer than 300 seconds last 30 days',
      'last 30 days calls > 5 mins',
      'how many call are longer than five minutes in the last 30 days',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 30), (x) => x.duration > 300).length),
  ),
  f(
    'b5-payout-over-30-lm',
    'threshold',
    [
      'how many conversions paid more than $30 last month',
      'conversions with payout above 30 dollars in october',
      '# conversions payout > $30 last month',
      'count of converted calls with a payout over $30 last month',
      'last month, number of conversions with payout greater than $30',
    ],
    (d, c) => scalar(calls(d, month(c, 1), converted, (x) => x.payout > 30).length),
  ),
  f(
    'b5-median-secs-week',
    'order_stat',
    [
      'median call length this week in seconds',
      'whats the median duration of calls this week (secs)',
      'this week median call duration, seconds please',
      'can you tell me the median duration for this week calls in seconds',
      'median duration in seconds for calls this week?',
    ],
    (d, c) => scalar(median(durations(calls(d, week(c, 0), answered))), 'seconds'),
  ),
  f(
    'b5-p90-minutes-30d',
    'order_stat',
    [
      '90th percentile call duration last 30 days in minutes',
      'p90 duration over the last 30 days, minutes',
      'what is the 90th percentile of call duration for last 30 days in minutes?',
      'last 30 days: 90th percentile call duration (min)',
      'give me the 90th percentile duration in minutes for the last 30 days',
    ],
    (d, c) => scalar(percentile(durations(calls(d, lastDays(c, 30), answered)), 90) / 60, 'minutes'),
  ),
  f(
    'b5-longest-lm-minutes',
    'order_stat',
    [
      'longest call last month in minutes',
      'what was our longest call in october, minutes',
      'max call duration last month (minutes)',
      'how long was the longest call last month in minutes',
      'last month longest call how many minutes',
    ],
    (d, c) => scalar(max(durations(calls(d, month(c, 1), answered))) / 60, 'minutes'),
  ),
  f(
    'b5-calls-per-day-14d',
    'per_unit',
    [
      'avg calls per day over the last 14 days',
      'on average how many calls per day in the last 14 days',
      'calls/day average last 14 days',
      "what's the average number of calls per day for the last 14 days?",
      'last 14 days average calls a day',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 14)).length / 14),
  ),
  f(
    'b5-payout-per-call-lm',
    'per_unit',
    [
      'last month payout per call pls',
      'what was avg payout per call in october',
      'last month average payout per call in $',
      'average payout per call for last month?',
      'payout / call for last month pls',
    ],
    (d, c) => scalar(sum(payouts(calls(d, month(c, 1)))) / calls(d, month(c, 1)).length, 'usd'),
  ),
  f(
    'b5-total-payout-month',
    'units',
    [
      'total payout this month',
      'how much did we earn in payouts this month',
      'this month total payout in dollars?',
      'sum of payouts this month',
      'what is the total of payout for this month',
    ],
    (d, c) => scalar(sum(payouts(calls(d, month(c, 0), converted))), 'usd'),
  ),
  f(
    'b5-avg-duration-minutes-2dago',
    'units',
    [
      'average call duration in minutes the day before yesterday',
      'avg call length day before yesterday, in minutes',
      'the day before yesterday what was the average duration of calls in minutes',
      'mean call duration in minutes for the day before yesterday',
      'day before yesterday avg duration (minutes)',
    ],
    (d, c) => scalar(avg(durations(calls(d, dayAgo(c, 2), answered))) / 60, 'minutes'),
  ),
];
