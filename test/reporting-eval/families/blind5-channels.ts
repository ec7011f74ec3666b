// BLIND-5 families about WhatsApp messages and RTB bids. Conventions: families/heldout-set.ts header.
import { avg, count, groupBy, groups, pct, pick, scalar } from '../oracle';
import type { EvalMessage } from '../dataset';
import { lastDays, month, week } from '../time';
import type { Blind5Family } from './blind5-set';

const outboundMsg = (x: EvalMessage) => x.direction === 'outbound';

export const blind5ChannelFamilies: Blind5Family[] = [
  {
    id: 'b5-msg-delivery-rate-7d',
    kind: 'messages',
    phrasings: [
      'whatsapp delivery rate last 7 days',
      'what % of messages got delivered in the last 7 days',
      'message delivery rate, last 7 days?',
      'last 7 days what percent of our whatsapp messages were delivered',
      'delivered rate for messages over the last 7 days',
    ],
    // A read message was delivered first: delivered includes read (the status moved on).
    expect: (d, c) => {
      const out = pick(d.messages, lastDays(c, 7), outboundMsg);
      return scalar(
        pct(out.filter((x) => x.status === 'delivered' || x.status === 'read').length, out.length),
        'percent',
      );
    },
    // Second reading the README allows: "delivered" as the status column says, read excluded.
    also: [
      (d, c) => {
        const out = pick(d.messages, lastDays(c, 7), outboundMsg);
        return scalar(pct(out.filter((x) => x.status === 'delivered').length, out.length), 'percent');
      },
    ],
  },
  {
    id: 'b5-msg-read-week',
    kind: 'messages',
    phrasings: [
      'how many messages were read this week',
      'read messages this week?',
      '# of whatsapp msgs read this week',
      'this week count of messages that got read',
      'messages read so far this week',
    ],
    expect: (d, c) => scalar(pick(d.messages, week(c, 0), (x) => x.status === 'read').length),
  },
  {
    id: 'b5-rejected-by-reason-7d',
    kind: 'bids',
    phrasings: [
      'rejected bids by reason last 7 days',
      'bid rejections by reject reason for the last 7 days',
      'break down rejected bids by rejection reason, last 7 days',
      'last 7 days: rejected bids grouped by reason',
      'count of rejected bids per reject reason in the last 7 days',
    ],
    expect: (d, c) =>
      groups(
        groupBy(
          pick(d.bids, lastDays(c, 7), (x) => x.reject_reason !== null),
          (x) => x.reject_reason,
          count,
        ),
      ),
  },
  {
    id: 'b5-won-bids-by-campaign-month',
    kind: 'bids',
    phrasings: [
      'won bids by campaign this month',
      'how many bids did we win per campaign this month',
      'this month won bids per campaign',
      'bids won this month broken down by campaign',
      'campaign breakdown of won bids this month',
    ],
    expect: (d, c) =>
      groups(
        groupBy(
          pick(d.bids, month(c, 0), (x) => x.won),
          (x) => x.campaign,
          count,
        ),
      ),
  },
  {
    id: 'b5-avg-bid-payout-30d',
    kind: 'bids',
    phrasings: [
      'average bid payout last 30 days',
      'avg payout on bids over the last 30 days',
      'what was the average payout of our bids in the last 30 days',
      'last 30 days mean bid payout in $',
      'bids: average payout, last 30 days?',
    ],
    // Over accepted bids: a rejected ping offered no payout (README).
    expect: (d, c) =>
      scalar(
        avg(pick(d.bids, lastDays(c, 30), (x) => x.payout !== null).map((x) => x.payout as number)),
        'usd',
      ),
  },
];
