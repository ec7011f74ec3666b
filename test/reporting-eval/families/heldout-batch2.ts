// Held-out families, batch 2 (see heldout-set.ts): written blind like batch 1, after batch 1 had been
// run once; kept apart so each batch's first-run figure can be reported on its own. Covers campaign
// exclusion and filters, payout percentiles, sentiment, status and direction breakdowns, hour-of-day,
// averages by agent, shares, comparisons of rates and days, place as filter and dimension, several
// grouped measures, template messages, message failure rate, bids by campaign and reason, DST days.
import { areaCodeOf, countryOf, type EvalBid, type EvalMessage } from '../dataset';
import {
  type Expected,
  type Family,
  answered,
  avg,
  byAgent,
  byAreaCode,
  byCampaign,
  byDay,
  byHour,
  byUsState,
  calls,
  compare,
  converted,
  count,
  durations,
  family,
  groupBy,
  groups,
  inbound,
  max,
  outbound,
  payouts,
  pct,
  percentile,
  pick,
  scalar,
  sum,
  voicemail,
} from '../oracle';
import * as T from '../time';
import type { HeldoutDecline } from './heldout-decline';

const n = (xs: unknown[]) => scalar(xs.length);
const rate = <X>(xs: X[], p: (x: X) => boolean) => scalar(pct(xs.filter(p).length, xs.length), 'percent');
const won = (x: EvalBid) => x.won;
const failedMsg = (x: EvalMessage) => x.status === 'failed';

export const heldoutBatch2Families: Family[] = [
  family(
    'h2_excluding_winback_30d',
    'negation',
    [
      'calls in the last 30 days excluding the Winback campaign',
      'last 30 days, calls not in Winback',
      'number of calls in the last 30 days, leaving out Winback',
      'past 30 days call count without the Winback campaign',
      'how many calls over the past 30 days, Winback excluded',
    ],
    (d, c) => n(calls(d, T.lastDays(c, 30), (x) => x.campaign !== 'Winback')),
  ),
  family(
    'h2_spring_promo_conversion_last_month',
    'rate',
    [
      'conversion rate for the Spring Promo campaign last month',
      'what % of Spring Promo calls converted last month?',
      'last month, Spring Promo conversion rate',
      'share of Spring Promo calls that converted in October',
      'Spring Promo: percentage of calls converted last month',
    ],
    (d, c) =>
      rate(
        calls(d, T.month(c, 1), (x) => x.campaign === 'Spring Promo'),
        converted,
      ),
  ),
  family(
    'h2_p75_payout_90d',
    'order_stat',
    [
      '75th percentile payout over the last 90 days',
      'p75 payout, last 90 days',
      'what is the 75th percentile of payouts in the past 90 days?',
      'last 90 days: payout at the 75th percentile',
      'give me the p75 of payout for the last 90 days',
    ],
    (d, c) => scalar(percentile(payouts(calls(d, T.lastDays(c, 90), converted)), 75), 'usd'),
  ),
  family(
    'h2_negative_sentiment_last_week',
    'count',
    [
      'how many calls had negative sentiment last week?',
      'negative sentiment calls last week',
      'last week, number of calls with a negative sentiment',
      'count of calls with negative sentiment for last week',
      'how many negative-sentiment calls did we have last week',
    ],
    (d, c) => n(calls(d, T.week(c, 1), (x) => x.sentiment === 'negative')),
  ),
  family(
    'h2_calls_by_status_yesterday',
    'breakdown',
    [
      'calls by status yesterday',
      "yesterday's calls broken down by status",
      'status breakdown of calls for yesterday',
      'how many calls in each status yesterday?',
      "count yesterday's calls per status",
    ],
    (d, c) => groups(groupBy(calls(d, T.yesterday(c)), (x) => x.status, count)),
  ),
  family(
    'h2_calls_by_direction_this_week',
    'breakdown',
    [
      'calls by direction this week',
      'this week calls split by direction',
      'number of calls per direction this week',
      'direction breakdown of calls so far this week',
      "this week's calls grouped by direction",
    ],
    (d, c) => groups(groupBy(calls(d, T.week(c, 0)), (x) => x.direction, count)),
  ),
  family(
    'h2_conversions_by_hour_30d',
    'breakdown',
    [
      'conversions by hour of day over the last 30 days',
      'last 30 days conversions broken down by hour of the day',
      'hour-of-day breakdown of conversions in the past 30 days',
      'number of conversions in each hour of the day, last 30 days',
      // "conversions by hour, last 30 days" was here and removed after the first run: over 30 days it
      // also reads as an hourly series (the translator's reading), so its expected value was not the
      // only right one. This replacement says hour of day.
      'conversions by hour of the day for the past 30 days',
    ],
    (d, c) => groups(groupBy(calls(d, T.lastDays(c, 30), converted), byHour(c), count)),
  ),
  family(
    'h2_avg_duration_by_agent_this_month',
    'breakdown',
    [
      'average call duration by agent this month in seconds',
      "each agent's average call length this month, in seconds",
      'this month, mean duration per agent in seconds',
      'avg call duration in seconds broken down by agent, this month',
      'in seconds, the average duration of calls for each agent this month',
    ],
    (d, c) => ({
      kind: 'groups',
      values: groupBy(calls(d, T.month(c, 0), answered), byAgent, (xs) => avg(durations(xs))),
      unit: 'seconds',
    }),
  ),
  family(
    'h2_total_minutes_7d',
    'units',
    [
      'total minutes on calls in the last 7 days',
      'how many minutes of talk time in the past 7 days?',
      'last 7 days total call time in minutes',
      'sum of call minutes over the last 7 days',
      'talk time in minutes for the last seven days',
    ],
    (d, c) => scalar(sum(durations(calls(d, T.lastDays(c, 7), answered))) / 60, 'minutes'),
  ),
  family(
    'h2_longest_call_minutes_this_month',
    'units',
    [
      'longest call this month in minutes',
      'how many minutes was the longest call this month?',
      "this month's longest call, in minutes",
      'max call length this month in minutes',
      'in minutes, what was the longest call so far this month',
    ],
    (d, c) => scalar(max(durations(calls(d, T.month(c, 0), answered))) / 60, 'minutes'),
  ),
  family(
    'h2_inbound_share_this_month',
    'rate',
    [
      "what share of this month's calls were inbound?",
      'percentage of inbound calls this month',
      'inbound calls as a percent of all calls this month',
      'this month, what proportion of calls were incoming',
      'inbound share of calls so far this month',
    ],
    (d, c) => rate(calls(d, T.month(c, 0)), inbound),
  ),
  family(
    'h2_voicemails_by_agent_last_month',
    'breakdown',
    [
      'voicemails by agent last month',
      'how many calls went to voicemail for each agent last month?',
      'last month voicemail count per agent',
      "break down last month's voicemail calls by agent",
      'number of voicemail calls per agent in October',
    ],
    (d, c) => groups(groupBy(calls(d, T.month(c, 1), voicemail), byAgent, count)),
  ),
  family(
    'h2_answer_rate_this_week_vs_last',
    'compare',
    [
      'answer rate this week vs last week',
      'compare our answer rate this week with last week',
      "how does this week's answer rate compare to last week's?",
      'this week versus last week answer rate',
      'answer rate, this week compared with last week',
    ],
    (d, c) => {
      const r = (xs: ReturnType<typeof calls>) => pct(xs.filter(answered).length, xs.length);
      return compare(r(calls(d, T.week(c, 0))), r(calls(d, T.week(c, 1))));
    },
  ),
  family(
    'h2_yesterday_vs_day_before',
    'compare',
    [
      'calls yesterday compared to the day before',
      'yesterday vs the day before: number of calls',
      "how did yesterday's call count compare with the day before?",
      'compare calls yesterday with the previous day',
      'yesterday versus the day before yesterday, calls',
    ],
    (d, c) => compare(calls(d, T.yesterday(c)).length, calls(d, T.dayAgo(c, 2)).length),
  ),
  family(
    'h2_california_conversions_last_month',
    'place',
    [
      'conversions from California last month',
      'how many California calls converted last month?',
      'last month, number of conversions in California',
      'California conversion count for October',
      'converted calls with California numbers last month',
    ],
    (d, c) => n(calls(d, T.month(c, 1), converted, (x) => byUsState(x) === 'CA')),
  ),
  family(
    'h2_calls_by_area_code_last_week',
    'place',
    [
      'calls by area code last week',
      "last week's calls broken down by area code",
      'area code breakdown for last week',
      'number of calls per area code last week',
      'how many calls from each area code last week?',
    ],
    (d, c) => groups(groupBy(calls(d, T.week(c, 1)), byAreaCode, count)),
  ),
  family(
    'h2_uk_calls_all_time',
    'place',
    [
      'how many calls from the UK?',
      'calls with United Kingdom numbers',
      'number of British calls',
      'total calls from the United Kingdom',
      'UK call count, all time',
    ],
    (d, c) => n(calls(d, T.allTime(c), (x) => countryOf(x.customer) === 'GB')),
  ),
  family(
    'h2_calls_answered_conversions_by_campaign_last_month',
    'multi',
    [
      'calls, answered calls and conversions by campaign last month',
      'for each campaign last month: calls, answered calls, conversions',
      'last month by campaign, number of calls, answered calls and conversions',
      'show calls, answered calls and conversions per campaign for October',
      'campaign breakdown last month with calls, answered calls and conversions',
    ],
    (d, c): Expected => {
      const xs = calls(d, T.month(c, 1));
      return {
        kind: 'multi',
        values: {
          calls: groupBy(xs, byCampaign, count),
          answered: groupBy(xs.filter(answered), byCampaign, count),
          conversions: groupBy(xs.filter(converted), byCampaign, count),
        },
      };
    },
  ),
  family(
    'h2_template_messages_last_week',
    'messages',
    [
      'how many template messages did we send last week?',
      'template messages last week',
      'number of WhatsApp template messages sent last week',
      "last week's template message count",
      'count of messages sent as templates last week',
    ],
    (d, c) => n(pick(d.messages, T.week(c, 1), (x) => x.type === 'template')),
  ),
  family(
    'h2_message_failure_rate_this_month',
    'messages',
    [
      'message failure rate this month',
      'what percentage of outbound messages failed this month?',
      'share of messages we sent this month that failed',
      'this month, failed messages as a percentage of outbound messages',
      'failed message rate for this month',
    ],
    (d, c) => rate(pick(d.messages, T.month(c, 0), outbound), failedMsg),
  ),
  family(
    'h2_won_bids_by_campaign_last_week',
    'bids',
    [
      'won bids by campaign last week',
      'how many bids did each campaign win last week?',
      'last week, winning bids per campaign',
      "break down last week's won bids by campaign",
      'number of bids won for each campaign last week',
    ],
    (d, c) => groups(groupBy(pick(d.bids, T.week(c, 1), won), (x) => x.campaign, count)),
  ),
  family(
    'h2_rejection_rate_30d',
    'bids',
    [
      'what percentage of bids were rejected in the last 30 days?',
      'bid rejection rate, last 30 days',
      'share of bids rejected over the past 30 days',
      'last 30 days: rejected bids as a percent of all bids',
      'rejection rate for bids in the last 30 days',
    ],
    (d, c) => rate(pick(d.bids, T.lastDays(c, 30)), (x) => x.reject_reason !== null),
  ),
  family(
    'h2_caps_rejections_last_week',
    'bids',
    [
      'bids rejected for caps last week',
      'how many bids got rejected because of caps last week?',
      'number of caps rejections last week',
      'last week, bids rejected with reason caps',
      'count of bids turned down for caps last week',
    ],
    (d, c) => n(pick(d.bids, T.week(c, 1), (x) => x.reject_reason === 'caps')),
  ),
  family(
    'h2_calls_by_hour_nov_1',
    'breakdown',
    [
      'on November 1, calls by hour',
      'hourly breakdown of calls on Nov 1',
      'number of calls in each hour on November 1',
      'November 1 calls broken down by hour of day',
      'show calls by hour of the day for Nov 1',
    ],
    (d, c) => groups(groupBy(calls(d, T.between(c, 11, 1, 11, 1)), byHour(c), count)),
  ),
  family(
    'h2_calls_by_day_march_7_9',
    'breakdown',
    [
      'calls by day from March 7 to March 9',
      'daily calls between March 7 and March 9',
      'March 7–9 calls broken down by day',
      'number of calls each day, March 7 through March 9',
      'day by day call counts for March 7 to March 9',
    ],
    (d, c) => groups(groupBy(calls(d, T.between(c, 3, 7, 3, 9)), byDay(c), count)),
  ),
  family(
    'h2_area_code_415_answer_rate_30d',
    'place',
    [
      'answer rate for area code 415 in the last 30 days',
      'what percent of 415 area code calls were answered in the past 30 days?',
      'last 30 days, answer rate of calls from area code 415',
      'share of area code 415 calls answered over the last 30 days',
      'area code 415 answer rate, last 30 days',
    ],
    (d, c) =>
      rate(
        calls(d, T.lastDays(c, 30), (x) => areaCodeOf(x.customer) === '415'),
        answered,
      ),
  ),
];

export const heldoutBatch2MustDecline: HeldoutDecline[] = [
  { why: 'prediction', q: 'how many calls will Ben take tomorrow?' },
  { why: 'prediction', q: 'what is the expected payout for next quarter' },
  { why: 'prediction', q: 'when will we reach 10,000 calls' },
  { why: 'transcript', q: 'did the customer on the longest call sound happy?' },
  { why: 'transcript', q: 'how many callers asked about delivery times' },
  { why: 'transcript', q: 'what objections came up most on Winback calls' },
  { why: 'cause', q: 'why did Dev have so many failed calls last week?' },
  { why: 'cause', q: 'what made October better than September' },
  { why: 'unknown_qualifier', q: 'conversion rate for calls with background noise' },
  { why: 'unknown_qualifier', q: 'how many calls from our gold partners this month' },
  { why: 'unknown_qualifier', q: 'average duration of calls transferred to a human' },
  { why: 'unknown_qualifier', q: 'answer rate on public holidays' },
  { why: 'unknown_dimension', q: 'break down calls by customer lifetime value' },
  { why: 'unknown_dimension', q: 'payout by publisher tier' },
  { why: 'write', q: "archive last month's calls" },
  { why: 'write', q: "change the Winback campaign's schedule to Monday" },
  { why: 'off_topic', q: "what's the stock price of Twilio" },
];
