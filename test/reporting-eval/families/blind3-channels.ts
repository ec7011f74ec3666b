// BLIND-3 families about WhatsApp messages and RTB bids.
import { byAgent, count, family, groupBy, groups, pct, pick, scalar, type Oracle } from '../oracle';
import { byDay } from '../oracle';
import { lastDays, month, week } from '../time';
import type { Blind3Family } from './blind3-family';

const f = (
  id: string,
  kind: Blind3Family['kind'],
  phrasings: string[],
  expect: Oracle,
  also?: Oracle[],
): Blind3Family => ({ ...family(id, kind, phrasings, expect), ...(also ? { also } : {}) });
const out = (x: { direction: string }) => x.direction === 'outbound';
/** "Delivered" may include messages since read (they were delivered first) or only those still delivered. */
const deliveredOrRead = (x: { status: string }) => x.status === 'delivered' || x.status === 'read';

export const blind3ChannelFamilies: Blind3Family[] = [
  // ── messages ──
  f(
    'b3-msg-count-lastweek',
    'messages',
    [
      'how many messages last week',
      'whatsapp messages last week',
      'total messages last week',
      'message count for last week',
      '# of WhatsApp msgs last week',
    ],
    (d, c) => scalar(pick(d.messages, week(c, 1)).length),
  ),
  f(
    'b3-msg-outbound-7d',
    'messages',
    [
      'how many messages did we send in the last 7 days',
      'outbound messages last 7 days',
      'outgoing whatsapp messages, last 7 days',
      'number of messages we sent over the last 7 days',
      'past 7 days outbound message count',
    ],
    (d, c) => scalar(pick(d.messages, lastDays(c, 7), out).length),
    // "sent" is also a message status (sent, not yet delivered).
    [(d, c) => scalar(pick(d.messages, lastDays(c, 7), (x) => x.status === 'sent').length)],
  ),
  f(
    'b3-msg-inbound-thismonth',
    'messages',
    [
      'how many messages have we received this month',
      'inbound whatsapp msgs this month',
      'how many whatsapp messages came in this month',
      'incoming messages month to date',
      'how many inbound whatsapp messages so far this month',
    ],
    (d, c) => scalar(pick(d.messages, month(c, 0), (x) => x.direction === 'inbound').length),
  ),
  f(
    'b3-msg-read-rate',
    'messages',
    [
      'read rate of messages in the last 30 days',
      'what % of messages we sent were read in the past 30 days',
      'message read rate last 30 days',
      'share of outbound messages that were read, last 30 days',
      'last 30 days whatsapp read rate',
    ],
    (d, c) => {
      const xs = pick(d.messages, lastDays(c, 30), out);
      return scalar(pct(xs.filter((x) => x.status === 'read').length, xs.length), 'percent');
    },
  ),
  f(
    'b3-msg-delivery-rate',
    'messages',
    [
      'message delivery rate last month',
      'what percent of outbound messages were delivered last month',
      'whatsapp delivery rate for last month',
      'last month: share of sent messages that got delivered',
      '% of outgoing messages delivered last month',
    ],
    (d, c) => {
      const xs = pick(d.messages, month(c, 1), out);
      return scalar(pct(xs.filter(deliveredOrRead).length, xs.length), 'percent');
    },
    [
      (d, c) => {
        const xs = pick(d.messages, month(c, 1), out);
        return scalar(pct(xs.filter((x) => x.status === 'delivered').length, xs.length), 'percent');
      },
    ],
  ),
  f(
    'b3-msg-failed-lastweek',
    'messages',
    [
      'failed whatsapp messages last wk',
      'how many whatsapp messages failed last week',
      'number of failed messages last week',
      'last week message failures count',
      '# of messages that failed to send last week',
    ],
    (d, c) => scalar(pick(d.messages, week(c, 1), (x) => x.status === 'failed').length),
  ),
  f(
    'b3-msg-template-thismonth',
    'messages',
    [
      'how many template messages this month',
      'count of template messages month to date',
      "this month's template message count",
      'template msgs this month?',
      'number of whatsapp template messages so far this month',
    ],
    (d, c) => scalar(pick(d.messages, month(c, 0), (x) => x.type === 'template').length),
  ),
  f(
    'b3-msg-by-agent',
    'messages',
    [
      'messages by agent last week',
      'how many messages per agent last week',
      'last week whatsapp messages broken down by agent',
      'message count for each agent last week',
      'agent breakdown of messages for last week',
    ],
    (d, c) => groups(groupBy(pick(d.messages, week(c, 1)), byAgent, count)),
  ),
  f(
    'b3-msg-by-day',
    'messages',
    [
      'msgs by day last week',
      'daily message count last week',
      'whatsapp messages each day last week',
      'messages for each day of last week',
      'day by day messages last week',
    ],
    (d, c) => groups(groupBy(pick(d.messages, week(c, 1)), byDay(c), count)),
  ),

  // ── bids ──
  f(
    'b3-bids-lastweek',
    'bids',
    [
      'how many bids last week',
      'bid count last week',
      'total RTB bids last week',
      'number of bids last week?',
      'how many bids did we get last week',
    ],
    (d, c) => scalar(pick(d.bids, week(c, 1)).length),
  ),
  f(
    'b3-bids-won-thismonth',
    'bids',
    [
      'how many bids did we win this month',
      'won bids this month',
      'bids won month to date',
      "this month's won bids",
      '# of winning bids this month',
    ],
    (d, c) => scalar(pick(d.bids, month(c, 0), (x) => x.won).length),
  ),
  f(
    'b3-bid-win-rate',
    'bids',
    [
      'bid win rate last 30 days',
      'what % of bids did we win in the last 30 days',
      'win rate on bids past 30 days',
      'share of bids won over the last 30 days',
      'last 30 days: percentage of bids won',
    ],
    (d, c) => {
      const xs = pick(d.bids, lastDays(c, 30));
      return scalar(pct(xs.filter((x) => x.won).length, xs.length), 'percent');
    },
  ),
  f(
    'b3-bids-rejected-lastmonth',
    'bids',
    [
      'rejected bids last month',
      'how many bids were rejected last month',
      'number of bid rejections last month',
      'last month rejected bid count',
      '# of bids rejected in the last month',
    ],
    (d, c) => scalar(pick(d.bids, month(c, 1), (x) => x.reject_reason !== null).length),
  ),
  f(
    'b3-reject-reasons-thismonth',
    'bids',
    [
      'rejection reasons this month',
      'breakdown of bid rejection reasons this month',
      'this month rejected bids split by reason',
      'bid reject reasons month to date',
      'count of rejected bids per reason this month',
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
  f(
    'b3-geo-rejections-30d',
    'bids',
    [
      'geo rejections last 30 days',
      'how many bids got rejected for geo in the last 30 days?',
      'bids rejected because of geo past 30 days',
      'geo rejected bids, last 30 days',
      '# of geo rejections over the last 30 days',
    ],
    (d, c) => scalar(pick(d.bids, lastDays(c, 30), (x) => x.reject_reason === 'geo').length),
  ),
  f(
    'b3-bids-by-campaign',
    'bids',
    [
      'bids by campaign for last week pls',
      'how many bids did each campaign get last week',
      'last week bids broken down by campaign',
      'bid count for each campaign last week',
      'campaign breakdown of bids for last week',
    ],
    (d, c) => groups(groupBy(pick(d.bids, week(c, 1)), (x) => x.campaign, count)),
  ),
  f(
    'b3-avg-bid-payout',
    'bids',
    [
      'average bid payout this month',
      'avg payout offered on bids this month',
      'what was the average bid amount month to date',
      'mean bid payout so far this month',
      'this month average payout per accepted bid',
    ],
    (d, c) => {
      const xs = pick(d.bids, month(c, 0), (x) => x.payout !== null).map((x) => x.payout as number);
      return scalar(xs.reduce((a, b) => a + b, 0) / xs.length, 'usd');
    },
  ),
];
