// BLIND-4 evaluation set, messages and RTB bids (see blind4-calls.ts for how it was written).
import { avg, count, groupBy, groups, inbound, outbound, pct, pick, scalar } from '../oracle';
import { lastDays, month, week } from '../time';
import { type Blind4Family, fam } from './blind4-family';

export const blind4ChannelFamilies: Blind4Family[] = [
  fam(
    'b4-outbound-messages-lastweek',
    'messages',
    [
      'outbound messages last week',
      'how many outgoing whatsapp messages last week?',
      'number of outbound messages for last week',
      'last wk outbound msgs count',
      'outbound WhatsApp msgs we sent out last week, how many',
    ],
    (d, c) => scalar(pick(d.messages, week(c, 1), outbound).length),
  ),
  fam(
    'b4-messages-received-30d',
    'messages',
    [
      'inbound messages in the last 30 days',
      'how many messages did we receive in the past 30 days',
      'incoming messages last 30 days?',
      'number of inbound msgs over the last 30 days',
      'messages received, last 30 days',
    ],
    (d, c) => scalar(pick(d.messages, lastDays(c, 30), inbound).length),
  ),
  fam(
    'b4-read-rate-month',
    'messages',
    [
      'read rate of outbound messages this month',
      'what % of outbound messages were read this month',
      'this month, percentage of outbound messages read',
      'read rate for outgoing messages this month?',
      'outbound message read rate this month',
    ],
    (d, c) => {
      const xs = pick(d.messages, month(c, 0), outbound);
      return scalar(pct(xs.filter((x) => x.status === 'read').length, xs.length), 'percent');
    },
  ),
  fam(
    'b4-failed-messages-by-agent-30d',
    'messages',
    [
      'failed messages by agent in the last 30 days',
      'how many messages failed per agent over the last 30 days',
      'last 30 days failed messages broken down by agent',
      'failed msgs per agent, past 30 days',
      'number of failed messages for each agent last 30 days',
    ],
    (d, c) =>
      groups(
        groupBy(
          pick(d.messages, lastDays(c, 30), (x) => x.status === 'failed'),
          (x) => x.agent,
          count,
        ),
      ),
  ),
  fam(
    'b4-bids-won-7d',
    'bids',
    [
      'how many bids did we win in the last 7 days',
      'bids won last 7 days',
      'number of won bids over the past 7 days?',
      'won bids, last seven days',
      'count of bids won in the last 7 days',
    ],
    (d, c) => scalar(pick(d.bids, lastDays(c, 7), (x) => x.won).length),
  ),
  fam(
    'b4-rejected-by-reason-month',
    'bids',
    [
      'rejected bids by reject reason this month',
      'this month rejected bids broken down by rejection reason',
      'how many bids were rejected per reject reason this month?',
      'rejected bids per rejection reason this month',
      'count the rejected bids by reason for this month',
    ],
    (d, c) =>
      groups(
        groupBy(
          pick(d.bids, month(c, 0), (x) => x.reject_reason !== null),
          (x) => x.reject_reason,
          count,
        ),
      ),
  ),
  fam(
    'b4-avg-bid-payout-oct',
    'bids',
    [
      'average bid payout last month',
      'avg payout of bids last month?',
      'what was the average bid payout for last month',
      'last month average payout on bids',
      'mean bid payout last month',
    ],
    (d, c) =>
      scalar(avg(pick(d.bids, month(c, 1), (x) => x.payout !== null).map((x) => x.payout as number)), 'usd'),
  ),
  fam(
    'b4-bid-win-rate-by-campaign-30d',
    'bids',
    [
      'bid win rate by campaign last 30 days',
      'win rate of bids per campaign over the last 30 days',
      'what % of bids did we win per campaign in the past 30 days',
      'last 30 days bid win rate broken down by campaign',
      'bids won as a percentage of bids, by campaign, last 30 days',
    ],
    (d, c) =>
      groups(
        groupBy(
          pick(d.bids, lastDays(c, 30)),
          (x) => x.campaign,
          (xs) => pct(xs.filter((x) => x.won).length, xs.length),
        ),
        'percent',
      ),
  ),
];
