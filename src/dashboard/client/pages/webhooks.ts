// Webhooks: endpoints (secret shown once, rotate, test, disable/enable, recover since a time) and the
// delivery log with each attempt and the start of the response body.
import { api, get, post, type Json } from '../api';
import { action, badge, empty, field, form, h, replace, secretOnce, table, when } from '../dom';

async function deliveryLog() {
  const events = await get('/v1/events?limit=15');
  if (!events.data.length)
    return empty('No events yet.', 'Place a call or press "Send test" on an endpoint.');
  const details = await Promise.all(events.data.map((e: Json) => get(`/v1/events/${e.id}`)));
  return table(
    [
      [
        'event',
        (e: Json) => h('div', {}, h('strong', {}, e.type), h('div', { class: 'muted' }, when(e.created_at))),
      ],
      [
        'deliveries',
        (e: Json) =>
          e.deliveries.length
            ? e.deliveries.map((d: Json) =>
                h(
                  'details',
                  { class: 'delivery' },
                  h(
                    'summary',
                    {},
                    badge(d.status),
                    ` ${d.attempts} attempt(s) · last ${d.last_status_code ?? d.last_error ?? '—'}`,
                  ),
                  d.attempt_log.map((a: Json) =>
                    h(
                      'div',
                      { class: 'attempt' },
                      `${when(a.attempted_at)} → ${a.status_code ?? a.error} (${a.latency_ms} ms) `,
                      a.response_body ? h('code', {}, a.response_body.slice(0, 200)) : null,
                    ),
                  ),
                ),
              )
            : h('span', { class: 'muted' }, 'no endpoint subscribed'),
      ],
      ['', (e: Json) => action('Redeliver', () => post(`/v1/events/${e.id}/redeliver`), 'secondary')],
    ],
    details,
    'Delivery log (latest 15 events)',
  );
}

export async function webhooksPage(root: HTMLElement) {
  const endpoints = await get('/v1/webhook_endpoints?limit=100');
  const reload = () => webhooksPage(root);
  const shown = h('div', { role: 'status' });
  const log = h('div', {}, h('p', { class: 'muted' }, 'Loading deliveries…'));

  replace(
    root,
    h('h1', {}, 'Webhooks'),
    shown,
    endpoints.data.length
      ? table(
          [
            ['url', (e: Json) => h('code', {}, e.url)],
            ['events', (e: Json) => e.events.join(', ')],
            ['status', (e: Json) => badge(e.status)],
            [
              'actions',
              (e: Json) =>
                h(
                  'div',
                  { class: 'row' },
                  action(
                    'Send test',
                    async () => {
                      await post(`/v1/webhook_endpoints/${e.id}/test`);
                      setTimeout(() => deliveryLog().then((t) => replace(log, t)), 1500);
                    },
                    'secondary',
                  ),
                  action(
                    'Rotate secret',
                    async () => {
                      const r = await post(`/v1/webhook_endpoints/${e.id}/rotate_secret`);
                      replace(shown, secretOnce('New signing secret', r.secret));
                    },
                    'secondary',
                  ),
                  action(
                    e.status === 'enabled' ? 'Disable' : 'Enable',
                    async () => {
                      await api('PATCH', `/v1/webhook_endpoints/${e.id}`, {
                        status: e.status === 'enabled' ? 'disabled' : 'enabled',
                      });
                      await reload();
                    },
                    'secondary',
                  ),
                  action(
                    'Recover last hour',
                    async () => {
                      const r = await post(`/v1/webhook_endpoints/${e.id}/recover`, {
                        since: Math.floor(Date.now() / 1000) - 3600,
                      });
                      replace(shown, `${r.resent} event(s) queued again for ${e.url}`);
                    },
                    'secondary',
                  ),
                ),
            ],
          ],
          endpoints.data,
        )
      : empty('No webhook endpoints.', 'Add the URL that should receive call and message events below.'),
    h('h2', {}, 'Add an endpoint'),
    form(
      'Add a webhook endpoint',
      [
        field('URL', 'url', { required: true, placeholder: 'https://example.com/hooks', type: 'url' }),
        field('Events (comma-separated; empty = all)', 'events', {
          placeholder: 'call.completed, call.hangup',
        }),
      ],
      'Add endpoint',
      async (d) => {
        const events = String(d.get('events') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const made = await post('/v1/webhook_endpoints', {
          url: d.get('url'),
          ...(events.length ? { events } : {}),
        });
        await reload();
        root
          .querySelector('[role=status]')
          ?.replaceChildren(secretOnce(`Signing secret for ${made.url}`, made.secret));
      },
    ),
    h('h2', {}, 'Deliveries'),
    log,
  );
  replace(log, await deliveryLog());
}
