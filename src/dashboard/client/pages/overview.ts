// Overview: today's calls, answer and conversion rates, live calls against the concurrency cap, rate-limit
// use per class seen on this page's requests, webhook endpoint health, and calls per hour today.
import { get, rateSeen, type Json } from '../api';
import { chart } from '../chart';
import { badge, empty, h, type Kid, replace, table } from '../dom';

async function allCallsSince(from: number) {
  const out: Json[] = [];
  let after = '';
  for (let n = 0; n < 10; n++) {
    const page = await get(`/v1/calls?from=${from}&limit=100${after}`);
    out.push(...page.data);
    if (!page.has_more || !page.data.length) break;
    after = `&starting_after=${encodeURIComponent(page.data[page.data.length - 1].id)}`;
  }
  return out;
}

export async function overviewPage(root: HTMLElement) {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const from = Math.floor(midnight.getTime() / 1000);
  const [account, today, live, endpoints] = await Promise.all([
    get('/v1/account'),
    allCallsSince(from),
    get('/v1/calls?status=active&limit=100&include_total=true'),
    get('/v1/webhook_endpoints?limit=100'),
  ]);
  const answered = today.filter((c) => c.answered_at).length;
  const converted = today.filter((c) => c.converted).length;
  const pct = (n: number, d: number) => (d ? `${Math.round((n / d) * 100)}%` : '—');
  const cap = account.effective_limits.concurrent_calls;
  const card = (label: string, value: string | number, note: Kid = '') =>
    h('div', { class: 'card' }, h('div', { class: 'muted' }, label), h('div', { class: 'n' }, value), note);

  const hours = Array.from({ length: 24 }, (_, i) => i);
  const perHour = hours.map(
    (hr) => today.filter((c) => new Date(c.created_at * 1000).getHours() === hr).length,
  );
  const answeredPerHour = hours.map(
    (hr) => today.filter((c) => c.answered_at && new Date(c.created_at * 1000).getHours() === hr).length,
  );

  replace(
    root,
    h('h1', {}, 'Overview'),
    h(
      'div',
      { class: 'cards' },
      card('Calls today', today.length),
      card('Answer rate', pct(answered, today.length), h('div', { class: 'muted' }, `${answered} answered`)),
      card(
        'Conversion rate',
        pct(converted, answered),
        h('div', { class: 'muted' }, `${converted} converted`),
      ),
      card(
        'Live calls',
        `${live.total ?? live.data.length} / ${cap}`,
        h('div', { class: 'muted' }, `${account.plan} plan cap`),
      ),
    ),
    today.length
      ? chart(
          'line',
          hours.map((x) => `${x}h`),
          [
            { label: 'calls', values: perHour },
            { label: 'answered', values: answeredPerHour },
          ],
          'Calls per hour today',
        )
      : empty(
          'No calls today yet.',
          'Place a test call from Agents & numbers, or start a batch from Batches.',
        ),
    h('h2', {}, 'Rate-limit use'),
    rateSeen.size
      ? table(
          [
            ['class', ([cls]) => cls],
            ['used', ([, r]) => `${r.limit - r.remaining} / ${r.limit} per minute`],
          ],
          [...rateSeen.entries()],
        )
      : h('p', { class: 'muted' }, 'No rate-limit headers seen yet.'),
    h('h2', {}, 'Webhook endpoints'),
    endpoints.data.length
      ? table(
          [
            ['url', (e: Json) => e.url],
            ['status', (e: Json) => badge(e.status)],
            ['note', (e: Json) => e.disabled_reason ?? ''],
          ],
          endpoints.data,
        )
      : empty('No webhook endpoints.', 'Add one under Webhooks to receive call and message events.'),
  );
}
