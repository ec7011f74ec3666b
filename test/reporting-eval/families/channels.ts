// WhatsApp messages and RTB bids with their own filters. "Delivered" counts messages whose status is
// delivered or read (a read message was delivered first); delivery and read rates are over outbound
// messages. A bid is rejected when it has a reject reason, won when a call followed it; the win rate
// is over all bids.
import type { EvalBid, EvalMessage } from '../dataset';
import {
  type Family,
  avg,
  byAgent,
  byDay,
  count,
  family,
  groupBy,
  groups,
  pct,
  pick,
  scalar,
  sum,
} from '../oracle';
import * as T from '../time';

const delivered = (x: EvalMessage) => x.status === 'delivered' || x.status === 'read';
const out = (x: EvalMessage) => x.direction === 'outbound';
const won = (x: EvalBid) => x.won;
const rejected = (x: EvalBid) => x.reject_reason !== null;

export const channelFamilies: Family[] = [
  family(
    'messages_sent_last_week',
    'messages',
    [
      'How many WhatsApp messages did we send last week?',
      'messages sent last week',
      'outbound WhatsApp messages last week',
      'number of messages we sent out last week',
      'how many whatsapps went out last week',
    ],
    (d, c) => scalar(pick(d.messages, T.week(c, 1), out).length),
  ),
  family(
    'messages_delivered_this_month',
    'messages',
    [
      'How many messages were delivered this month?',
      'delivered WhatsApp messages this month',
      'number of messages that got delivered this month',
      "this month's delivered message count",
      'how many of our whatsapp messages were delivered so far this month',
    ],
    (d, c) => scalar(pick(d.messages, T.month(c, 0), delivered).length),
  ),
  family(
    'message_read_rate_last_30_days',
    'messages',
    [
      'read rate of WhatsApp messages in the last 30 days',
      'what percentage of messages we sent were read in the last 30 days',
      'share of sent messages that got read, last 30 days',
      'last 30 days: percent of outbound messages read',
      'how many of our messages were read over the last 30 days, as a percentage',
    ],
    (d, c) => {
      const xs = pick(d.messages, T.lastDays(c, 30), out);
      return scalar(pct(xs.filter((x) => x.status === 'read').length, xs.length), 'percent');
    },
  ),
  family(
    'messages_failed_last_7_days',
    'messages',
    [
      'How many messages failed in the last 7 days?',
      'failed WhatsApp messages, last 7 days',
      'number of messages that failed to send in the past 7 days',
      'last 7 days failed message count',
      'how many whatsapp messages failed over the last seven days',
    ],
    (d, c) => scalar(pick(d.messages, T.lastDays(c, 7), (x) => x.status === 'failed').length),
  ),
  family(
    'messages_received_this_month',
    'messages',
    [
      'How many WhatsApp messages did we receive this month?',
      'inbound messages this month',
      'messages received this month',
      'how many messages did customers send us this month',
      'number of incoming WhatsApp messages so far this month',
    ],
    (d, c) => scalar(pick(d.messages, T.month(c, 0), (x) => x.direction === 'inbound').length),
  ),
  family(
    'messages_by_status_last_month',
    'messages',
    [
      'messages by status last month',
      'breakdown of WhatsApp message statuses last month',
      'how many messages in each status last month',
      "last month's messages grouped by status",
      'message counts per status for last month',
    ],
    (d, c) => groups(groupBy(pick(d.messages, T.month(c, 1)), (x) => x.status, count)),
  ),
  family(
    'message_delivery_rate_all_time',
    'messages',
    [
      "What's our WhatsApp delivery rate?",
      'message delivery rate',
      'what percentage of messages we send get delivered',
      'share of outbound messages delivered',
      'delivery rate for whatsapp messages overall',
    ],
    (d, c) => {
      const xs = pick(d.messages, T.allTime(c), out);
      return scalar(pct(xs.filter(delivered).length, xs.length), 'percent');
    },
  ),
  family(
    'template_messages_last_month',
    'messages',
    [
      'How many template messages did we send last month?',
      'template messages sent last month',
      'number of WhatsApp templates sent last month',
      "last month's template message count",
      'how many messages last month were templates',
    ],
    (d, c) => scalar(pick(d.messages, T.month(c, 1), (x) => x.type === 'template').length),
  ),
  family(
    'messages_by_agent_this_week',
    'messages',
    [
      'messages by agent this week',
      'how many WhatsApp messages per agent this week',
      "this week's messages broken down by agent",
      'message count for each agent so far this week',
      'whatsapp messages grouped by agent this week',
    ],
    (d, c) => groups(groupBy(pick(d.messages, T.week(c, 0)), byAgent, count)),
  ),
  family(
    'messages_by_day_last_week',
    'messages',
    [
      'messages by day last week',
      'daily WhatsApp message counts last week',
      'how many messages each day last week',
      "last week's messages day by day",
      'break down last week messages by day',
    ],
    (d, c) => groups(groupBy(pick(d.messages, T.week(c, 1)), byDay(c), count)),
  ),
  // RTB bids.
  family(
    'bids_last_7_days',
    'bids',
    [
      'How many RTB bids in the last 7 days?',
      'bids over the last seven days',
      'number of bid requests we answered in the last 7 days',
      'last 7 days RTB bid count',
      'how many bids did we get in the past 7 days',
    ],
    (d, c) => scalar(pick(d.bids, T.lastDays(c, 7)).length),
  ),
  family(
    'bids_won_last_month',
    'bids',
    [
      'How many bids did we win last month?',
      'bids won last month',
      'number of won RTB bids last month',
      "last month's won bid count",
      'how many bids turned into calls last month',
    ],
    (d, c) => scalar(pick(d.bids, T.month(c, 1), won).length),
  ),
  family(
    'bid_win_rate_all_time',
    'bids',
    [
      "What's our bid win rate?",
      'win rate on RTB bids',
      'what percentage of bids do we win',
      'share of bids that were won',
      'bid win percentage overall',
    ],
    (d, c) => {
      const xs = pick(d.bids, T.allTime(c));
      return scalar(pct(xs.filter(won).length, xs.length), 'percent');
    },
  ),
  family(
    'rejected_by_reason_last_30_days',
    'bids',
    [
      'rejected bids by reason in the last 30 days',
      'why were bids rejected in the last 30 days, with counts',
      'breakdown of bid rejection reasons, last 30 days',
      'how many bids were rejected for each reason over the last 30 days',
      'last 30 days: rejected bids grouped by reason',
    ],
    (d, c) => groups(groupBy(pick(d.bids, T.lastDays(c, 30), rejected), (x) => x.reject_reason, count)),
  ),
  family(
    'bids_rejected_geo_this_month',
    'bids',
    [
      'How many bids were rejected for geo this month?',
      'geo rejections this month',
      'bids rejected because of geography this month',
      'number of bids rejected with reason geo so far this month',
      "this month's geo-rejected bids",
    ],
    (d, c) => scalar(pick(d.bids, T.month(c, 0), (x) => x.reject_reason === 'geo').length),
  ),
  family(
    'bids_by_state',
    'bids',
    [
      'bids by state',
      'how many RTB bids per state',
      'break down bids by state',
      'state breakdown of bids',
      'bid counts grouped by state',
    ],
    (d, c) => groups(groupBy(pick(d.bids, T.allTime(c)), (x) => x.state, count)),
  ),
  family(
    'bids_by_campaign_last_week',
    'bids',
    [
      'bids by campaign last week',
      'how many bids per campaign last week',
      "last week's bids broken down by campaign",
      'RTB bids for each campaign last week',
      'bid count by campaign for last week',
    ],
    (d, c) => groups(groupBy(pick(d.bids, T.week(c, 1)), (x) => x.campaign, count)),
  ),
  family(
    'avg_payout_won_bids',
    'bids',
    [
      'average payout of won bids',
      'what do the bids we win pay on average',
      'mean payout on won bids',
      'average bid payout for bids we won',
      'how much does a won bid pay on average',
    ],
    (d, c) => scalar(avg(pick(d.bids, T.allTime(c), won).map((x) => x.payout ?? 0)), 'usd'),
  ),
  family(
    'payout_won_bids_last_month',
    'bids',
    [
      'total payout of bids we won last month',
      'how much payout came from won bids last month',
      'sum of won bid payouts last month',
      "last month's total payout on won bids",
      'payout from winning bids in October',
    ],
    (d, c) => scalar(sum(pick(d.bids, T.month(c, 1), won).map((x) => x.payout ?? 0)), 'usd'),
  ),
  family(
    'bid_rejection_rate_last_week',
    'bids',
    [
      'bid rejection rate last week',
      'what percentage of bids were rejected last week',
      'share of bids rejected last week',
      "last week's rejected bid percentage",
      'how many bids did we reject last week, as a percent of all bids',
    ],
    (d, c) => {
      const xs = pick(d.bids, T.week(c, 1));
      return scalar(pct(xs.filter(rejected).length, xs.length), 'percent');
    },
  ),
];
