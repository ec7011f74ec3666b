// Place (the customer's number: country, US state, area code) and several measures at once.
import { areaCodeOf, countryOf, stateOf } from '../dataset';
import {
  type Family,
  answerRate,
  answered,
  byAgent,
  byAreaCode,
  byCampaign,
  byCountry,
  byUsState,
  calls,
  conversionRate,
  converted,
  count,
  family,
  groupBy,
  groups,
  inbound,
  payouts,
  scalar,
  sum,
} from '../oracle';
import * as T from '../time';

const convs = (xs: { converted: boolean }[]) => xs.filter((x) => x.converted).length;

export const placeFamilies: Family[] = [
  family(
    'calls_by_country',
    'place',
    [
      'calls by country',
      'how many calls per country',
      "break down calls by the caller's country",
      'country breakdown of calls',
      'calls grouped by country',
      'which countries do our calls involve, with counts',
    ],
    (d, c) => groups(groupBy(calls(d, T.allTime(c)), byCountry, count)),
  ),
  family(
    'calls_with_uk_numbers',
    'place',
    [
      'how many calls with UK numbers',
      'calls with numbers in the United Kingdom',
      'how many calls involved UK phone numbers',
      'number of calls with British numbers',
      'calls with +44 numbers',
    ],
    (d, c) => scalar(calls(d, T.allTime(c), (x) => countryOf(x.customer) === 'GB').length),
  ),
  family(
    'calls_by_us_state',
    'place',
    [
      'calls by US state',
      'how many calls per state (US numbers)',
      'break down US calls by state',
      'state-by-state call counts for US numbers',
      'calls grouped by US state',
    ],
    (d, c) => groups(groupBy(calls(d, T.allTime(c)), byUsState, count)),
  ),
  family(
    'calls_texas_last_30_days',
    'place',
    [
      'how many calls with Texas numbers in the last 30 days',
      'calls from Texas in the last 30 days',
      'last 30 days calls with numbers in TX',
      'Texas calls over the last 30 days',
      'number of calls to or from Texas, last 30 days',
    ],
    (d, c) =>
      scalar(
        calls(d, T.lastDays(c, 30), (x) => countryOf(x.customer) === 'US' && stateOf(x.customer) === 'TX')
          .length,
      ),
  ),
  family(
    'calls_area_code_415',
    'place',
    [
      'how many calls from area code 415',
      'calls with a 415 area code',
      '415 area code call count',
      'number of calls with 415 numbers',
      'calls in the 415 area code',
    ],
    (d, c) => scalar(calls(d, T.allTime(c), (x) => areaCodeOf(x.customer) === '415').length),
  ),
  family(
    'calls_by_area_code_this_month',
    'place',
    [
      'calls by area code this month',
      'how many calls per area code this month',
      "this month's calls broken down by area code",
      'area code breakdown of calls this month',
      'calls grouped by area code so far this month',
    ],
    (d, c) => groups(groupBy(calls(d, T.month(c, 0)), byAreaCode, count)),
  ),
  family(
    'conversion_rate_by_country',
    'place',
    [
      'conversion rate by country',
      'what percentage of calls converted in each country',
      'conversion rate per country of the caller',
      'which countries convert best, as a percentage',
      'country by country conversion rate',
    ],
    (d, c) => groups(groupBy(calls(d, T.allTime(c)), byCountry, conversionRate), 'percent'),
  ),
  family(
    'inbound_from_canada_last_month',
    'place',
    [
      'how many calls did we receive from Canada last month',
      'inbound calls from Canadian numbers last month',
      'calls that came in from Canada last month',
      'number of incoming calls from Canada in October',
      'how many Canadians called us last month',
    ],
    (d, c) => scalar(calls(d, T.month(c, 1), inbound, (x) => countryOf(x.customer) === 'CA').length),
  ),
  family(
    'answer_rate_california_since_january',
    'place',
    [
      'answer rate for California numbers since January',
      'what percent of calls with California numbers were answered since January',
      'since January, answer rate of calls in CA',
      'share of California calls answered since January',
      'California answer rate since the start of the year',
    ],
    (d, c) =>
      scalar(
        answerRate(
          calls(d, T.since(c, 1), (x) => countryOf(x.customer) === 'US' && stateOf(x.customer) === 'CA'),
        ),
        'percent',
      ),
  ),
  // Several measures at once.
  family(
    'calls_and_conversions_by_agent_last_month',
    'multi',
    [
      'calls and conversions by agent last month',
      'for each agent, number of calls and conversions last month',
      'last month: calls and conversions per agent',
      'show calls plus conversions broken down by agent for last month',
      'how many calls and how many conversions did each agent have last month',
    ],
    (d, c) => {
      const xs = calls(d, T.month(c, 1));
      return {
        kind: 'multi',
        values: { calls: groupBy(xs, byAgent, count), conversions: groupBy(xs, byAgent, convs) },
      };
    },
  ),
  family(
    'calls_answered_conversions_last_week',
    'multi',
    [
      'calls, answered calls and conversions last week',
      'last week: total calls, how many were answered, and how many converted',
      'give me calls, answered and conversions for last week',
      'number of calls, answered calls and conversions last week',
      'how many calls did we have last week, how many got answered and how many converted',
    ],
    (d, c) => {
      const xs = calls(d, T.week(c, 1));
      return {
        kind: 'multi',
        values: { calls: xs.length, answered: xs.filter(answered).length, conversions: convs(xs) },
      };
    },
  ),
  family(
    'calls_and_payout_by_campaign',
    'multi',
    [
      'calls and payout by campaign',
      'for each campaign, how many calls and how much payout',
      'campaign breakdown of calls and payout',
      'number of calls and total payout per campaign',
      'show calls together with payout for every campaign',
    ],
    (d, c) => {
      const xs = calls(d, T.allTime(c));
      return {
        kind: 'multi',
        values: {
          calls: groupBy(xs, byCampaign, count),
          payout: groupBy(xs, byCampaign, (g) => sum(payouts(g))),
        },
      };
    },
  ),
  family(
    'answer_and_conversion_rate_this_month',
    'multi',
    [
      'answer rate and conversion rate this month',
      "what are this month's answer and conversion rates",
      'this month: answer rate plus conversion rate',
      'give me both the answer rate and the conversion rate for this month',
      'answer and conversion percentages month to date',
    ],
    (d, c) => {
      const xs = calls(d, T.month(c, 0));
      return { kind: 'multi', values: { answer_rate: answerRate(xs), conversion_rate: conversionRate(xs) } };
    },
  ),
  family(
    'conversions_and_payout_yesterday',
    'multi',
    [
      'conversions and payout yesterday',
      'how many conversions and how much payout yesterday',
      "yesterday's conversions and total payout",
      'number of conversions plus payout for yesterday',
      'give me conversions and payout for yesterday',
    ],
    (d, c) => {
      const xs = calls(d, T.yesterday(c), converted);
      return { kind: 'multi', values: { conversions: xs.length, payout: sum(payouts(xs)) } };
    },
  ),
];
