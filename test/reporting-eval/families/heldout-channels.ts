// Held-out families (see heldout-set.ts): WhatsApp messages (delivered / read / failed; rates over
// outbound messages) and RTB bids (won, rejected by reason).
import type { EvalBid, EvalMessage } from '../dataset';
import { byAgent, count, family, groupBy, groups, inbound, outbound, pct, pick, scalar } from '../oracle';
import * as T from '../time';
import type { HeldoutFamily } from './heldout-set';

const n = (xs: unknown[]) => scalar(xs.length);
const msgStatus =
  (...s: string[]) =>
  (x: EvalMessage) =>
    s.includes(x.status);
const rejected = (x: EvalBid) => x.reject_reason !== null;

export const heldoutChannelFamilies: HeldoutFamily[] = [
  // ---- messages
  family(
    'h_failed_messages_last_week',
    'messages',
    [
      'how many messages failed last week?',
      'failed messages last week',
      'number of WhatsApp messages that failed last week',
      "last week's failed message count",
      'count of messages with a failed status last week',
    ],
    (d, c) => n(pick(d.messages, T.week(c, 1), msgStatus('failed'))),
  ),
  family(
    'h_read_rate_7d',
    'messages',
    [
      'message read rate in the last 7 days',
      'what percentage of our outbound messages were read in the past 7 days?',
      'share of outbound messages that got read, last 7 days',
      'last 7 days read rate for messages',
      'of the messages we sent in the last 7 days, what percent were read',
    ],
    (d, c) => {
      const xs = pick(d.messages, T.lastDays(c, 7), outbound);
      return scalar(pct(xs.filter(msgStatus('read')).length, xs.length), 'percent');
    },
  ),
  family(
    'h_messages_by_agent_this_month',
    'messages',
    [
      'messages by agent this month',
      'how many messages did each agent have this month?',
      'this month message count per agent',
      "break down this month's messages by agent",
      'number of messages for each agent so far this month',
    ],
    (d, c) => groups(groupBy(pick(d.messages, T.month(c, 0)), byAgent, count)),
  ),
  {
    // "Delivered" has two honest readings: status delivered (Twilio's terminal status), or reached the
    // phone, which every read message also did. Either count is right; any other number is wrong.
    ...family(
      'h_delivered_messages_30d',
      'messages',
      [
        'how many messages were delivered in the last 30 days?',
        'delivered messages, last 30 days',
        'number of messages delivered over the past 30 days',
        'last 30 days delivered message count',
        'count delivered WhatsApp messages in the last 30 days',
      ],
      (d, c) => n(pick(d.messages, T.lastDays(c, 30), msgStatus('delivered'))),
    ),
    also: [(d, c) => n(pick(d.messages, T.lastDays(c, 30), msgStatus('delivered', 'read')))],
  },
  family(
    'h_inbound_messages_yesterday',
    'messages',
    [
      'how many messages came in yesterday?',
      'inbound messages yesterday',
      'number of incoming messages yesterday',
      "yesterday's inbound message count",
      'messages received yesterday',
    ],
    (d, c) => n(pick(d.messages, T.yesterday(c), inbound)),
  ),
  // ---- bids
  family(
    'h_bids_won_last_week',
    'bids',
    [
      'how many bids did we win last week?',
      'bids won last week',
      'number of winning bids last week',
      "last week's won bid count",
      'count of bids won during last week',
    ],
    (d, c) => n(pick(d.bids, T.week(c, 1), (x) => x.won)),
  ),
  family(
    'h_rejected_bids_by_reason_this_month',
    'bids',
    [
      'rejected bids by reason this month',
      'this month bid rejections broken down by reason',
      'number of rejected bids per reject reason this month',
      "break down this month's rejected bids by rejection reason",
      'count rejected bids by reason for this month',
    ],
    (d, c) => groups(groupBy(pick(d.bids, T.month(c, 0), rejected), (x) => x.reject_reason, count)),
  ),
  family(
    'h_geo_rejections_30d',
    'bids',
    [
      'how many bids were rejected for geo in the last 30 days?',
      'geo rejections over the past 30 days',
      'number of bids rejected for reason geo, last 30 days',
      'last 30 days bids rejected with reason geo',
      'count of geo-rejected bids in the last 30 days',
    ],
    (d, c) => n(pick(d.bids, T.lastDays(c, 30), (x) => x.reject_reason === 'geo')),
  ),
  family(
    'h_bid_win_rate_this_month',
    'bids',
    [
      'bid win rate this month',
      'what percentage of bids did we win this month?',
      "share of this month's bids that were won",
      'this month, won bids as a percent of all bids',
      'what proportion of bids this month did we win',
    ],
    (d, c) => {
      const xs = pick(d.bids, T.month(c, 0));
      return scalar(pct(xs.filter((x) => x.won).length, xs.length), 'percent');
    },
  ),
];
