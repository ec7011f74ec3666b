// BLIND-3 families about calls: counts, rates and shares, negation, thresholds, statistics, units and
// per-unit averages. Every expectation is computed over the dataset (never a hard-coded number).
import {
  agent,
  answerRate,
  answered,
  avg,
  avgDuration,
  calls,
  conversionRate,
  converted,
  durations,
  groupBy,
  byAgent,
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
  groups,
  status,
  sum,
  voicemail,
  family,
  type Oracle,
} from '../oracle';
import { countryOf } from '../dataset';
import { lastDays, lastHours, month, namedMonth, since, today, week, yesterday } from '../time';
import type { Blind3Family } from './blind3-family';

const f = (
  id: string,
  kind: Blind3Family['kind'],
  phrasings: string[],
  expect: Oracle,
  also?: Oracle[],
): Blind3Family => ({ ...family(id, kind, phrasings, expect), ...(also ? { also } : {}) });
/** A duration asked without a unit may honestly come back in seconds or in minutes. */
const orMinutes = (o: Oracle): Oracle[] => [
  (d, c) => {
    const e = o(d, c);
    return e.kind === 'scalar' ? scalar(e.value / 60, 'minutes') : e;
  },
];

export const blind3CallFamilies: Blind3Family[] = [
  // ── counts ──
  f(
    'b3-count-yesterday',
    'count',
    [
      'hw many calls yesterday',
      'Total calls yesterday?',
      'hey how many calls did we do yesterday',
      'number of calls from yesterday pls',
      'yesterdays total # of calls',
      'what was our call volume yesterday',
    ],
    (d, c) => scalar(calls(d, yesterday(c)).length),
  ),
  f(
    'b3-inbound-lastweek',
    'count',
    [
      'how many inbound calls last week',
      'inbound call count for last week?',
      'how many calls came in last week',
      'calls received last week',
      'number of incoming calls last wk',
      'how many calls did we receive during last week',
    ],
    (d, c) => scalar(calls(d, week(c, 1), inbound).length),
  ),
  f(
    'b3-outbound-thismonth',
    'count',
    [
      'outbound calls for this month so far',
      'how many outbound calls have we made this month',
      '# of outgoing calls so far this month',
      'so far this month how many calls did we make',
      'month to date outbound calls',
      'outgoing call count this month',
    ],
    (d, c) => scalar(calls(d, month(c, 0), outbound).length),
  ),
  f(
    'b3-answered-7d',
    'count',
    [
      'how many calls were answered within the last 7 days pls',
      'answered calls past 7 days',
      '# answered calls over the last seven days',
      'how many calls got picked up in the past 7 days?',
      'count of answered calls, last 7 days',
      'in the last 7 days how many calls did we answer',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 7), answered).length),
  ),
  f(
    'b3-conversions-october',
    'count',
    [
      'how many conversions in october',
      'October conversions?',
      'number of converted calls in Oct',
      'how many calls converted during October',
      'conversions for the month of october',
      'total conversions october 2026',
    ],
    (d, c) => scalar(calls(d, namedMonth(c, 10), converted).length),
  ),
  f(
    'b3-ben-lastmonth',
    'count',
    [
      'how many calls did Ben handle last month',
      "Ben's calls last month",
      'calls for Ben last month',
      'number of calls by agent Ben last month',
      'last month how many calls did ben have',
      'Ben total calls last month',
    ],
    (d, c) => scalar(calls(d, month(c, 1), agent('Ben')).length),
  ),
  f(
    'b3-winback-conversions',
    'count',
    [
      'how many conversions did the Winback campaign get in the last 30 days',
      'Winback conversions last 30 days',
      'conversions from winback, past 30 days',
      '# of converted calls in the Winback campaign over the last 30 days',
      'last 30 days conversions for Winback?',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 30), converted, (x) => x.campaign === 'Winback').length),
  ),
  f(
    'b3-last-hour',
    'count',
    [
      'calls in the last hour',
      'how many calls in the past hour?',
      'how many calls in the last 60 minutes',
      'how many calls have we had in the last hour',
      'call count past hour',
      'number of calls over the last hour',
    ],
    (d, c) => scalar(calls(d, lastHours(c, 1)).length),
  ),
  f(
    'b3-today',
    'count',
    [
      'hw many calls today so far',
      'quick one - calls today?',
      "today's calls?",
      'total calls today so far',
      "What's the call count for today",
      'how many calls have we had since midnight today',
    ],
    (d, c) => scalar(calls(d, today(c)).length),
  ),

  // ── rates and shares of yes/no properties ──
  f(
    'b3-answer-rate-lastweek',
    'rate',
    [
      'whats our answer rate for last week',
      'Answer rate last week pls',
      '% of calls answered last week',
      'what percentage of calls got answered last week',
      'last week answer %',
      'Answer Rate for last week',
    ],
    (d, c) => scalar(answerRate(calls(d, week(c, 1))), 'percent'),
  ),
  f(
    'b3-conv-rate-thismonth',
    'rate',
    [
      'conversion rate this month so far?',
      "what's our conversion rate month to date",
      '% of calls that converted this month',
      'this months conversion %',
      'what percent of calls converted so far this month',
      'conv rate this month',
    ],
    (d, c) => scalar(conversionRate(calls(d, month(c, 0))), 'percent'),
  ),
  f(
    'b3-conv-rate-of-answered',
    'rate',
    [
      'conversion rate of answered calls in the last 30 days',
      'what % of answered calls converted over the last 30 days',
      'among answered calls, what share converted in the past 30 days',
      'conversions as a percentage of answered calls, last 30 days',
      'last 30 days: percent of answered calls that converted',
    ],
    (d, c) => {
      const xs = calls(d, lastDays(c, 30), answered);
      return scalar(pct(xs.filter(converted).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-voicemail-rate',
    'rate',
    [
      'what percentage of calls went to voicemail last week',
      'voicemail rate last week',
      'share of calls that hit voicemail last week',
      '% voicemail last week?',
      'last week, what % of calls ended up in voicemail',
    ],
    (d, c) => {
      const xs = calls(d, week(c, 1));
      return scalar(pct(xs.filter(voicemail).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-voicemail-of-answered',
    'rate',
    [
      'what % of answered calls were voicemail this month',
      'voicemails as a percentage of answered calls this month',
      'among answered calls this month, what share were voicemails',
      'this month, out of answered calls what percent were voicemail',
      'voicemail share of answered calls, month to date',
    ],
    (d, c) => {
      const xs = calls(d, month(c, 0), answered);
      return scalar(pct(xs.filter(voicemail).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-busy-rate',
    'rate',
    [
      'busy rate last 14 days',
      'what percent of calls were busy in the past 14 days',
      '% of calls that got a busy signal, last 14 days',
      'share of busy calls over the last 14 days',
      'in the last 14 days what percentage of calls were busy?',
    ],
    (d, c) => {
      const xs = calls(d, lastDays(c, 14));
      return scalar(pct(xs.filter(status('busy')).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-failed-rate-outbound',
    'rate',
    [
      'what % of outbound calls failed last month',
      'failure rate of outbound calls last month',
      'share of outgoing calls that failed last month',
      'outbound failed rate last month',
      'among outbound calls last month, what percentage failed',
    ],
    (d, c) => {
      const xs = calls(d, month(c, 1), outbound);
      return scalar(pct(xs.filter(status('failed')).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-no-answer-rate',
    'rate',
    [
      'no-answer rate for the last 7 days',
      '% of calls with status no answer in the last 7 days',
      'what share of calls ended in no answer in the past 7 days',
      'no answer % last 7 days',
      'percentage of no-answer calls over the last 7 days',
    ],
    (d, c) => {
      const xs = calls(d, lastDays(c, 7));
      return scalar(pct(xs.filter(status('no_answer')).length, xs.length), 'percent');
    },
    // "no answer" is a status, but a user may mean every call nobody answered (missed).
    [(d, c) => scalar(100 - answerRate(calls(d, lastDays(c, 7))), 'percent')],
  ),
  f(
    'b3-inbound-conv-rate-by-agent',
    'rate',
    [
      'inbound conversion rate by agent last month',
      'conversion rate per agent for inbound calls last month',
      'for inbound calls last month, conversion % by agent',
      'break down inbound conversion rate by agent for last month',
      'last month inbound calls: conversion rate for each agent',
    ],
    (d, c) => groups(groupBy(calls(d, month(c, 1), inbound), byAgent, conversionRate), 'percent'),
  ),

  // ── negation and exclusion ──
  f(
    'b3-missed-yesterday',
    'negation',
    [
      'how many missed calls yesterday',
      'missed calls yesterday?',
      "how many of yesterday's calls went unanswered",
      "yesterday's missed call count",
      "number of calls we didn't answer yesterday",
      'calls not answered yesterday',
    ],
    (d, c) => scalar(calls(d, yesterday(c), not(answered)).length),
  ),
  f(
    'b3-missed-inbound-lastweek',
    'negation',
    [
      'missed inbound calls last week',
      'how many inbound calls were missed last week',
      "inbound calls that weren't answered last week",
      'last week how many incoming calls did we miss',
      '# of unanswered incoming calls last week',
    ],
    (d, c) => scalar(calls(d, week(c, 1), inbound, not(answered)).length),
  ),
  f(
    'b3-answered-not-converted',
    'negation',
    [
      'answered but not converted calls last 7 days',
      "how many calls were answered but didn't convert in the last 7 days",
      'calls that were picked up but did not convert, past 7 days',
      "past 7 days: answered calls that didn't convert",
      'count answered calls with no conversion over the last 7 days',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 7), answered, not(converted)).length),
  ),
  f(
    'b3-share-not-converted-of-answered',
    'negation',
    [
      'what percent of answered calls did not convert this month',
      "% of answered calls that didn't convert, this month",
      'share of answered calls without a conversion this month',
      'this month: among answered calls, what share did not convert',
      "answered calls this month - what percentage didn't convert?",
    ],
    (d, c) => {
      const xs = calls(d, month(c, 0), answered);
      return scalar(pct(xs.filter(not(converted)).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-inbound-share-of-missed',
    'negation',
    [
      'what share of missed calls were inbound last week',
      '% of missed calls that were inbound last week',
      'of the calls we missed last week, what percent were inbound',
      'among unanswered calls last week, what percentage were incoming',
      'inbound as a percentage of missed calls last week',
    ],
    (d, c) => {
      const xs = calls(d, week(c, 1), not(answered));
      return scalar(pct(xs.filter(inbound).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-excluding-dev',
    'negation',
    [
      'calls last week excluding Dev',
      'how many calls last week not counting Dev',
      'last week calls without Dev',
      "calls last week except Dev's",
      'total calls last week excluding agent Dev',
    ],
    (d, c) => scalar(calls(d, week(c, 1), not(agent('Dev'))).length),
  ),
  f(
    'b3-outside-us',
    'negation',
    [
      'how many calls outside the US this month',
      'calls from outside the United States this month',
      'non-US calls month to date',
      'this month, calls with customers outside the US',
      'how many calls were from outside the US so far this month',
    ],
    (d, c) => scalar(calls(d, month(c, 0), (x) => countryOf(x.customer) !== 'US').length),
  ),
  f(
    'b3-excluding-renewals',
    'negation',
    [
      'conversions last month excluding the Renewals campaign',
      'last month conversions not counting Renewals',
      'conversions last month, Renewals excluded',
      'conversions last month except the Renewals campaign',
      'how many conversions last month without Renewals',
    ],
    (d, c) => scalar(calls(d, month(c, 1), converted, (x) => x.campaign !== 'Renewals').length),
  ),

  // ── thresholds ──
  f(
    'b3-longer-5min',
    'threshold',
    [
      'how many calls longer than 5 minutes last week',
      'calls over 5 mins last week',
      '# of calls that lasted more than 5 minutes last week',
      'last week calls > 5 min',
      'calls lasting over five minutes last week?',
      'how many calls went past 5 minutes last week',
    ],
    (d, c) => scalar(calls(d, week(c, 1), (x) => x.duration > 300).length),
  ),
  f(
    'b3-answered-under-30s',
    'threshold',
    [
      'answered calls shorter than 30 seconds this month',
      'how many answered calls were under 30 secs this month',
      'answered calls lasting less than 30 seconds month to date',
      'this month, answered calls under 30s',
      'count of answered calls below 30 seconds this month',
    ],
    (d, c) => scalar(calls(d, month(c, 0), answered, (x) => x.duration < 30).length),
  ),
  f(
    'b3-between-2-and-10-min',
    'threshold',
    [
      'calls between 2 and 10 minutes long in the last 30 days',
      'how many calls lasted between 2 and 10 min over the past 30 days',
      'last 30 days: number of calls between 2 and 10 minutes',
      'count of calls longer than 2 min but shorter than 10 min in the last 30 days',
      'calls that lasted 2 to 10 minutes, last 30 days',
    ],
    (d, c) => scalar(calls(d, lastDays(c, 30), (x) => x.duration > 120 && x.duration < 600).length),
  ),
  f(
    'b3-payout-over-30',
    'threshold',
    [
      'conversions with a payout over $30 this month',
      'how many conversions paid more than $30 this month',
      'this month conversions with payout above 30 dollars',
      '# of calls with payout > $30 this month',
      'converted calls paying over $30, month to date',
    ],
    (d, c) => scalar(calls(d, month(c, 0), converted, (x) => x.payout > 30).length),
  ),
  f(
    'b3-over-20min-since-october',
    'threshold',
    [
      'calls longer than 20 minutes since October',
      'how many calls went over 20 mins since october 1st',
      'since the start of October, calls over 20 minutes',
      '# calls > 20 min since Oct',
      'calls lasting more than twenty minutes since October',
    ],
    (d, c) => scalar(calls(d, since(c, 10), (x) => x.duration > 1200).length),
  ),

  // ── statistics ──
  f(
    'b3-avg-duration-lastweek',
    'order_stat',
    [
      'average call duration last week',
      'avg call length last week?',
      'how long were calls on average last week',
      'mean call duration for last week pls',
      "last week's average call duration",
    ],
    (d, c) => scalar(avgDuration(calls(d, week(c, 1))), 'seconds'),
    orMinutes((d, c) => scalar(avgDuration(calls(d, week(c, 1))), 'seconds')),
  ),
  f(
    'b3-median-duration-october',
    'order_stat',
    [
      'median call duration in October',
      'what was the median call length in oct',
      'october median duration?',
      'median duration of calls during October',
      'median length of a call in october',
    ],
    (d, c) => scalar(median(durations(calls(d, namedMonth(c, 10), answered))), 'seconds'),
    orMinutes((d, c) => scalar(median(durations(calls(d, namedMonth(c, 10), answered))), 'seconds')),
  ),
  f(
    'b3-p90-duration-lastmonth',
    'order_stat',
    [
      '90th percentile call duration last month in seconds',
      'p90 call length last month (seconds)',
      "what's the 90th percentile of call duration for last month, in seconds",
      'last month 90th percentile call duration in secs',
      'call duration 90th percentile last month, seconds please',
    ],
    (d, c) => scalar(percentile(durations(calls(d, month(c, 1), answered)), 90), 'seconds'),
  ),
  f(
    'b3-longest-lastweek',
    'order_stat',
    [
      'longest call last week',
      'what was the single longest call last week',
      'max call duration last week',
      'our longest call duration last week?',
      'how long was the longest call last week',
    ],
    (d, c) => scalar(max(durations(calls(d, week(c, 1), answered))), 'seconds'),
    orMinutes((d, c) => scalar(max(durations(calls(d, week(c, 1), answered))), 'seconds')),
  ),
  f(
    'b3-shortest-answered-month',
    'order_stat',
    [
      'shortest answered call this month in seconds',
      'min duration of answered calls this month, seconds',
      "what's the shortest answered call so far this month (secs)",
      'this month shortest answered call length in seconds',
      'minimum answered call duration month to date in seconds',
    ],
    (d, c) => scalar(min(durations(calls(d, month(c, 0), answered))), 'seconds'),
  ),
  f(
    'b3-total-payout-lastmonth',
    'order_stat',
    [
      'Total payouts for last month?',
      'sum of payouts last month',
      "last month's total payout in $",
      'what did we make in payouts last month',
      'how much payout did we earn last month',
    ],
    (d, c) => scalar(sum(payouts(calls(d, month(c, 1), converted))), 'usd'),
  ),
  f(
    'b3-avg-payout-thismonth',
    'order_stat',
    [
      'average payout this month',
      'avg payout per conversion this month',
      "what's the average payout on converted calls month to date",
      'this month average payout?',
      'mean payout for conversions this month',
    ],
    (d, c) => scalar(avg(payouts(calls(d, month(c, 0), converted))), 'usd'),
  ),
  f(
    'b3-payout-per-call-lastweek',
    'per_unit',
    [
      'payout per call for last week',
      'what was our payout / call last week',
      'how much payout did we get per call last week',
      'last week payout per call ($)',
      'average payout per call last week, counting every call',
    ],
    (d, c) => {
      const xs = calls(d, week(c, 1));
      return scalar(sum(payouts(xs)) / xs.length, 'usd');
    },
  ),
  f(
    'b3-max-payout-7d',
    'order_stat',
    [
      'biggest payout in the last 7 days',
      'highest payout past 7 days',
      'max payout over the last 7 days?',
      "what's the largest payout we got in the last 7 days",
      'top payout last 7 days',
    ],
    (d, c) => scalar(max(payouts(calls(d, lastDays(c, 7), converted))), 'usd'),
  ),
  f(
    'b3-median-payout-30d',
    'order_stat',
    [
      'median payout last 30 days',
      'what was the median payout over the past 30 days',
      'median payout per conversion, last 30 days',
      'last 30 days median payout?',
      'median conversion payout in the last 30 days',
    ],
    (d, c) => scalar(median(payouts(calls(d, lastDays(c, 30), converted))), 'usd'),
  ),

  // ── units and per-unit averages ──
  f(
    'b3-avg-duration-minutes-30d',
    'units',
    [
      'average call duration in minutes over the last 30 days',
      'avg call length in mins, last 30 days',
      'how many minutes did calls last on average in the past 30 days',
      'last 30 days average duration (minutes)',
      'mean call time in minutes for the last 30 days',
    ],
    (d, c) => scalar(avgDuration(calls(d, lastDays(c, 30))) / 60, 'minutes'),
  ),
  f(
    'b3-total-talk-hours',
    'units',
    [
      'total talk time last week in hours',
      'how many hours were we on the phone last week',
      'sum of call durations last week, in hours',
      'total call duration last week (hours)',
      'total hours of calls last week',
    ],
    (d, c) => scalar(sum(durations(calls(d, week(c, 1)))) / 3600, 'hours'),
  ),
  f(
    'b3-total-minutes-yesterday',
    'units',
    [
      'total call minutes yesterday',
      'how many minutes of calls did we have yesterday',
      'sum of call duration yesterday in minutes',
      "yesterday's total talk time in minutes",
      'total duration of all calls yesterday, minutes',
    ],
    (d, c) => scalar(sum(durations(calls(d, yesterday(c)))) / 60, 'minutes'),
  ),
  f(
    'b3-calls-per-day-lastweek',
    'per_unit',
    [
      'on average how many calls per day did we get last week',
      'last week avg number of calls a day',
      'avg daily calls last week',
      'calls/day last week on average',
      'what was the daily average of calls last week',
    ],
    (d, c) => scalar(calls(d, week(c, 1)).length / 7),
  ),
  f(
    'b3-conversions-per-day-october',
    'per_unit',
    [
      'average conversions per day in October',
      'how many conversions a day on average in october',
      'avg daily conversions october',
      'october: average conversions per day',
      'mean number of conversions per day in October',
    ],
    (d, c) => scalar(calls(d, namedMonth(c, 10), converted).length / 31),
  ),
];
