// RTB: endpoints with their ping URL and a ping tester, each endpoint's routes, and a route editor
// (weekday schedule, states, caps, payout, priority).
import { get, post, type Json } from '../api';
import { badge, empty, errorBox, field, form, h, replace, table } from '../dom';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const num = (v: FormDataEntryValue | null) => (v === null || v === '' ? undefined : Number(v));

function routeForm(ep: Json, done: () => void) {
  return form(
    `Add a route to ${ep.name}`,
    [
      h(
        'div',
        { class: 'row' },
        field('Buyer', 'buyer', { required: true }),
        field('Number (E.164 or sip:)', 'number', { required: true }),
      ),
      h(
        'div',
        { class: 'row' },
        field('Payout', 'payout', { type: 'number', step: '0.01', min: 0, required: true }),
        field('Priority (1 first)', 'priority', { type: 'number', min: 0 }),
      ),
      h(
        'div',
        { class: 'row' },
        field('Open from', 'open', { value: '09:00' }),
        field('to', 'close', { value: '17:00' }),
        field('Time zone', 'timezone', { value: 'America/New_York' }),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Days'),
        DAYS.map((d) =>
          h(
            'label',
            {},
            h('input', { type: 'checkbox', name: 'days', value: d, checked: !['sat', 'sun'].includes(d) }),
            ` ${d} `,
          ),
        ),
      ),
      field('States (comma-separated, empty = all)', 'states', { placeholder: 'NY, NJ' }),
      h(
        'div',
        { class: 'row' },
        field('Daily cap', 'daily', { type: 'number', min: 0 }),
        field('Concurrency cap', 'concurrency', { type: 'number', min: 0 }),
      ),
    ],
    'Add route',
    async (d) => {
      const days = d.getAll('days').map(String);
      const states = String(d.get('states') ?? '')
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean);
      const caps = { daily: num(d.get('daily')), concurrency: num(d.get('concurrency')) };
      await post(`/v1/rtb_endpoints/${ep.id}/routes`, {
        buyer: d.get('buyer'),
        number: d.get('number'),
        payout: Number(d.get('payout')),
        priority: num(d.get('priority')),
        schedule: {
          timezone: d.get('timezone'),
          hours: Object.fromEntries(
            DAYS.map((x) => [x, days.includes(x) ? [[d.get('open'), d.get('close')]] : []]),
          ),
        },
        geo: states.length ? { include: { states } } : null,
        caps: caps.daily !== undefined || caps.concurrency !== undefined ? caps : null,
      });
      done();
    },
  );
}

function pingTester(ep: Json) {
  const out = h('div', { 'aria-live': 'polite' });
  const f = form(
    `Ping ${ep.name}`,
    [
      h(
        'div',
        { class: 'row' },
        field('Caller id', 'caller_id', { value: '+12125550123' }),
        field('ZIP', 'zip_code', { value: '10001' }),
      ),
    ],
    'Send ping',
    async (d) => {
      const q = new URLSearchParams({
        caller_id: String(d.get('caller_id')),
        zip_code: String(d.get('zip_code')),
      });
      const res = await fetch(`${new URL(ep.ping_url).pathname}?${q}`);
      replace(out, h('pre', {}, JSON.stringify(await res.json(), null, 2)));
    },
  );
  return h('div', {}, f, out);
}

async function endpointBlock(ep: Json, reload: () => void) {
  const routes = await get(`/v1/rtb_endpoints/${ep.id}/routes`).catch((e) => ({ error: e }));
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, ep.name, ' ', badge(ep.status)),
    h('p', {}, 'Ping URL: ', h('code', {}, ep.ping_url)),
    'error' in routes
      ? errorBox(routes.error)
      : routes.data.length
        ? table(
            [
              ['buyer', (r: Json) => r.buyer],
              ['number', (r: Json) => r.number],
              ['payout', (r: Json) => r.payout],
              ['priority', (r: Json) => r.priority],
              ['states', (r: Json) => r.geo?.include?.states?.join(', ') ?? 'all'],
              ['caps', (r: Json) => (r.caps ? JSON.stringify(r.caps) : 'none')],
              ['status', (r: Json) => badge(r.status)],
            ],
            routes.data,
          )
        : empty('No routes.', 'Add a buyer route below; pings are answered from these.'),
    h('details', {}, h('summary', {}, 'Add a route'), routeForm(ep, reload)),
    h('details', {}, h('summary', {}, 'Ping tester'), pingTester(ep)),
  );
}

export async function rtbPage(root: HTMLElement) {
  const endpoints = await get('/v1/rtb_endpoints?limit=50');
  const reload = () => rtbPage(root);
  const blocks = await Promise.all(endpoints.data.map((ep: Json) => endpointBlock(ep, reload)));
  replace(
    root,
    h('h1', {}, 'Real-time bidding'),
    blocks.length
      ? blocks
      : empty('No RTB endpoints.', 'Create one below and give its ping URL to your publisher.'),
    h('h2', {}, 'New endpoint'),
    form(
      'Create an RTB endpoint',
      [
        field('Name', 'name', { required: true }),
        field('Campaign', 'campaign_name'),
        field('Bid TTL (s)', 'bid_ttl_seconds', { type: 'number', value: 60, min: 5 }),
      ],
      'Create endpoint',
      async (d) => {
        await post('/v1/rtb_endpoints', {
          name: d.get('name'),
          campaign_name: String(d.get('campaign_name') ?? '') || null,
          bid_ttl_seconds: num(d.get('bid_ttl_seconds')),
        });
        await reload();
      },
    ),
  );
}
