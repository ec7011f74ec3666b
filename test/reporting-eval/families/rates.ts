// Rates and shares of yes/no properties (overall and per dimension), and thresholds. A rate's
// denominator is every call in the period unless the question names another ("of answered calls").
import {
  type Family,
  answerRate,
  answered,
  byAgent,
  byCampaign,
  calls,
  conversionRate,
  converted,
  family,
  groupBy,
  groups,
  inbound,
  not,
  pct,
  scalar,
  status,
  voicemail,
} from '../oracle';
import * as T from '../time';

const share = (part: unknown[], whole: unknown[]) => scalar(pct(part.length, whole.length), 'percent');

export const rateFamilies: Family[] = [
  family(
    'answer_rate_last_week',
    'rate',
    [
      'What was our answer rate last week?',
      'answer rate last week',
      'what percentage of calls were answered last week',
      'share of calls answered last week',
      "what % of last week's calls got answered",
      'pickup rate for last week',
      'what proportion of calls were answered last week',
    ],
    (d, c) => scalar(answerRate(calls(d, T.week(c, 1))), 'percent'),
  ),
  family(
    'conversion_rate_this_month',
    'rate',
    [
      "What's our conversion rate this month?",
      'conversion rate month to date',
      'what percent of calls converted this month',
      'share of calls that converted this month',
      "this month's conversion rate",
      'proportion of calls converting this month',
    ],
    (d, c) => scalar(conversionRate(calls(d, T.month(c, 0))), 'percent'),
  ),
  family(
    'conversion_rate_of_answered_last_30_days',
    'rate',
    [
      'What percentage of answered calls converted in the last 30 days?',
      'conversion rate among answered calls, last 30 days',
      'of the calls that were answered in the last 30 days, what share converted',
      'last 30 days: converted calls as a percentage of answered calls',
      'what fraction of picked-up calls converted over the last 30 days',
    ],
    (d, c) => {
      const a = calls(d, T.lastDays(c, 30), answered);
      return share(a.filter(converted), a);
    },
  ),
  family(
    'voicemail_rate_all_time',
    'rate',
    [
      "What's our voicemail rate?",
      'what percentage of calls go to voicemail',
      'share of calls that end in voicemail',
      'voicemail rate overall',
      'how often do calls hit voicemail, in percent',
      'proportion of calls reaching voicemail',
    ],
    (d, c) => {
      const all = calls(d, T.allTime(c));
      return share(all.filter(voicemail), all);
    },
  ),
  family(
    'failure_rate_last_month',
    'rate',
    [
      'What was the failure rate last month?',
      'what percent of calls failed last month',
      'share of failed calls in October',
      'failed call percentage last month',
      "last month's call failure rate",
      'what proportion of calls last month failed',
    ],
    (d, c) => {
      const all = calls(d, T.month(c, 1));
      return share(all.filter(status('failed')), all);
    },
  ),
  family(
    'busy_rate_since_january',
    'rate',
    [
      'What share of calls were busy since January?',
      'busy rate since January',
      'percentage of busy calls since the start of January',
      'since January, what percent of calls got a busy signal',
      'how often did we hit a busy line since January, as a percentage',
    ],
    (d, c) => {
      const all = calls(d, T.since(c, 1));
      return share(all.filter(status('busy')), all);
    },
  ),
  family(
    'unanswered_rate_last_week',
    'rate',
    [
      'What percentage of calls went unanswered last week?',
      'unanswered rate last week',
      'share of missed calls last week',
      'what % of calls last week did nobody pick up',
      "last week's missed call percentage",
    ],
    (d, c) => {
      const all = calls(d, T.week(c, 1));
      return share(all.filter(not(answered)), all);
    },
  ),
  family(
    'inbound_share_last_30_days',
    'rate',
    [
      'What share of calls were inbound in the last 30 days?',
      'percentage of inbound calls over the last 30 days',
      'inbound share of calls, last 30 days',
      'how much of our call volume was inbound in the last 30 days, in percent',
      'last 30 days: inbound calls as a % of all calls',
    ],
    (d, c) => {
      const all = calls(d, T.lastDays(c, 30));
      return share(all.filter(inbound), all);
    },
  ),
  family(
    'answer_rate_by_agent_last_month',
    'rate',
    [
      'answer rate by agent last month',
      'what percentage of calls did each agent get answered last month',
      "last month's answer rate per agent",
      'show me answer rates for each agent for last month',
      'break down answer rate by agent, last month',
      'pickup rate per agent last month',
    ],
    (d, c) => groups(groupBy(calls(d, T.month(c, 1)), byAgent, answerRate), 'percent'),
  ),
  family(
    'conversion_rate_by_campaign',
    'rate',
    [
      'conversion rate by campaign',
      'what percent of calls converted in each campaign',
      'conversion rate per campaign',
      'compare conversion rates across campaigns',
      'campaign conversion rates',
      'for each campaign, what share of calls converted',
    ],
    (d, c) => groups(groupBy(calls(d, T.allTime(c)), byCampaign, conversionRate), 'percent'),
  ),
  family(
    'voicemail_rate_by_agent_this_month',
    'rate',
    [
      'voicemail rate by agent this month',
      'what share of each agent’s calls went to voicemail this month',
      'this month, percentage of calls hitting voicemail per agent',
      'per agent voicemail percentage this month',
      'how often did calls go to voicemail for each agent this month, as a percent',
    ],
    (d, c) =>
      groups(
        groupBy(calls(d, T.month(c, 0)), byAgent, (xs) => pct(xs.filter(voicemail).length, xs.length)),
        'percent',
      ),
  ),
  // Thresholds: strictly longer / shorter; no call lasts exactly a multiple of 30 s (dataset.ts).
  family(
    'longer_than_5_minutes_last_30_days',
    'threshold',
    [
      'How many calls lasted longer than 5 minutes in the last 30 days?',
      'calls over 5 minutes, last 30 days',
      'number of calls longer than five minutes in the last 30 days',
      'how many calls went past 5 min in the last 30 days',
      'last 30 days calls with a duration above 300 seconds',
      'count calls that ran more than 5 minutes over the last 30 days',
    ],
    (d, c) => scalar(calls(d, T.lastDays(c, 30), (x) => x.duration > 300).length),
  ),
  family(
    'answered_shorter_than_30s',
    'threshold',
    [
      'How many answered calls were shorter than 30 seconds?',
      'answered calls under 30 seconds',
      'how many calls that got answered lasted less than 30s',
      'number of answered calls with a duration under half a minute',
      'count of answered calls lasting under 30 sec',
    ],
    (d, c) => scalar(calls(d, T.allTime(c), answered, (x) => x.duration < 30).length),
  ),
  family(
    'longer_than_10_minutes_by_agent_last_month',
    'threshold',
    [
      'calls longer than 10 minutes by agent last month',
      'how many calls over 10 minutes did each agent have last month',
      'per agent, calls that lasted more than 10 minutes last month',
      'last month, calls above 10 min broken down by agent',
      'number of calls longer than ten minutes for each agent last month',
    ],
    (d, c) =>
      groups(
        groupBy(
          calls(d, T.month(c, 1), (x) => x.duration > 600),
          byAgent,
          (xs) => xs.length,
        ),
      ),
  ),
  family(
    'share_answered_over_2_minutes_last_week',
    'threshold',
    [
      'What percentage of answered calls last week lasted more than 2 minutes?',
      'share of answered calls over 2 minutes last week',
      "what % of last week's answered calls went longer than two minutes",
      'proportion of answered calls lasting more than 120 seconds last week',
      'last week: answered calls longer than 2 min as a percentage of answered calls',
    ],
    (d, c) => {
      const a = calls(d, T.week(c, 1), answered);
      return share(
        a.filter((x) => x.duration > 120),
        a,
      );
    },
  ),
  family(
    'payout_above_30',
    'threshold',
    [
      'How many calls paid out more than $30?',
      'calls with a payout above $30',
      'number of calls with payout over 30 dollars',
      'how many conversions paid more than $30',
      'count of calls whose payout exceeded $30',
      'calls paying over $30',
    ],
    (d, c) => scalar(calls(d, T.allTime(c), (x) => x.payout > 30).length),
  ),
  family(
    'payout_total_from_calls_over_40_since_january',
    'threshold',
    [
      'Total payout from calls that paid more than $40 since January',
      'since January, how much payout came from calls paying over $40',
      'sum of payouts above $40 per call since January',
      'how much did calls with a payout over 40 dollars bring in since January',
      'since January: total payout of calls paying more than $40',
    ],
    (d, c) =>
      scalar(
        calls(d, T.since(c, 1), (x) => x.payout > 40).reduce((a, x) => a + x.payout, 0),
        'usd',
      ),
  ),
];
