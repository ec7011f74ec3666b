// Comparisons of two periods: both values, the difference, the change in percent. "This week" runs
// to now; the other periods are whole.
import { type Family, answerRate, calls, compare, converted, family, payouts, scalar, sum } from '../oracle';
import * as T from '../time';

export const compareFamilies: Family[] = [
  // Comparisons: this week is to date; the other periods are whole.
  family(
    'calls_this_week_vs_last_week',
    'compare',
    [
      'calls this week vs last week',
      "how do this week's calls compare to last week",
      'compare calls this week with last week',
      'this week against last week, number of calls',
      'calls: this week versus last week',
    ],
    (d, c) => compare(calls(d, T.week(c, 0)).length, calls(d, T.week(c, 1)).length),
  ),
  family(
    'conversions_last_week_vs_week_before',
    'compare',
    [
      'conversions last week compared to the week before',
      'how did conversions last week compare with the week before',
      'last week vs the previous week, conversions',
      'compare conversions between last week and the week before that',
      'conversions: last week versus the week prior',
    ],
    (d, c) => compare(calls(d, T.week(c, 1), converted).length, calls(d, T.week(c, 2), converted).length),
  ),
  family(
    'calls_difference_last_week_minus_week_before',
    'compare',
    [
      "what's the difference in calls between last week and the week before",
      'difference in call count, last week minus the week before',
      'by how many calls did last week differ from the week before',
      'change in number of calls from the week before to last week',
      'how many more or fewer calls did we have last week than the week before',
    ],
    (d, c) => scalar(calls(d, T.week(c, 1)).length - calls(d, T.week(c, 2)).length),
  ),
  family(
    'conversions_pct_change_sep_to_oct',
    'compare',
    [
      'percent change in conversions from September to October',
      'how much did conversions change in percent from September to October',
      '% change in conversions, October vs September',
      'conversion growth from September to October in percent',
      'by what percentage did conversions go up or down from September to October',
    ],
    (d, c) => {
      const oct = calls(d, T.namedMonth(c, 10), converted).length;
      const sep = calls(d, T.namedMonth(c, 9), converted).length;
      return scalar((100 * (oct - sep)) / sep, 'percent');
    },
  ),
  family(
    'payout_yesterday_vs_day_before',
    'compare',
    [
      'payout yesterday compared with the day before',
      'how did yesterday’s payout compare to the day before',
      'payout: yesterday vs the day before yesterday',
      'compare payout for yesterday and the previous day',
      'yesterday against the day before, total payout',
    ],
    (d, c) => compare(sum(payouts(calls(d, T.yesterday(c)))), sum(payouts(calls(d, T.dayAgo(c, 2))))),
  ),
  family(
    'answer_rate_last_month_vs_month_before',
    'compare',
    [
      'answer rate last month vs the month before',
      'compare the answer rate of last month with the month before',
      'how did our answer rate last month compare to the previous month',
      'answer rate: October versus September',
      'last month against the month before, answer rate',
    ],
    (d, c) => compare(answerRate(calls(d, T.month(c, 1))), answerRate(calls(d, T.month(c, 2)))),
  ),
];
