// Calls: a filterable, paginated list; a call's page with its event timeline (each event's deliveries and
// attempts, redeliver), transcript, summary and analysis, caller data and a recording player.
import { get, post, request, type Json } from '../api';
import { action, badge, empty, errorBox, field, h, replace, table, when } from '../dom';

const PAGE = 20;

export async function callsPage(root: HTMLElement) {
  const params = new URLSearchParams(location.search);
  const offset = Number(params.get('offset') ?? 0);
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset), include_total: 'true' });
  for (const k of ['status', 'direction', 'agent_id', 'batch_id'])
    if (params.get(k)) q.set(k, params.get(k)!);
  const filters = h(
    'form',
    { method: 'get', class: 'row', 'aria-label': 'Filter calls' },
    field('Status', 'status', { value: params.get('status') ?? '' }, 'select', [
      '',
      'active',
      'completed',
      'failed',
    ]),
    field('Direction', 'direction', {}, 'select', ['', 'outbound', 'inbound']),
    field('Agent id', 'agent_id', { value: params.get('agent_id') ?? '' }),
    h('button', { type: 'submit' }, 'Filter'),
  );
  (filters.querySelector('[name=direction]') as HTMLSelectElement).value = params.get('direction') ?? '';
  let list: Json;
  try {
    list = await get(`/v1/calls?${q}`);
  } catch (err) {
    replace(root, h('h1', {}, 'Calls'), filters, errorBox(err));
    return;
  }
  const nav = (delta: number) => {
    const p = new URLSearchParams(params);
    p.set('offset', String(Math.max(0, offset + delta)));
    return `?${p}`;
  };
  replace(
    root,
    h('h1', {}, 'Calls'),
    filters,
    list.data.length
      ? table(
          [
            ['call', (c: Json) => h('a', { href: `/dashboard/calls/${c.id}` }, c.id)],
            ['to', (c: Json) => c.to_number],
            ['direction', (c: Json) => c.direction],
            ['status', (c: Json) => badge(c.status)],
            ['duration', (c: Json) => (c.duration != null ? `${c.duration}s` : '—')],
            ['created', (c: Json) => when(c.created_at)],
          ],
          list.data,
        )
      : empty('No calls match.', 'Clear the filters, or place a test call from Agents & numbers.'),
    h(
      'p',
      { class: 'row' },
      offset > 0 ? h('a', { href: nav(-PAGE) }, '← Newer') : null,
      h('span', { class: 'muted' }, `${offset + 1}–${offset + list.data.length} of ${list.total ?? '?'}`),
      list.has_more ? h('a', { href: nav(PAGE) }, 'Older →') : null,
    ),
  );
}

function eventRow(ev: Json) {
  const box = h('div', { class: 'deliveries' }, h('span', { class: 'muted' }, 'loading deliveries…'));
  get(`/v1/events/${ev.id}`)
    .then((d) =>
      replace(
        box,
        d.deliveries.length
          ? d.deliveries.map((dl: Json) =>
              h(
                'div',
                {},
                badge(dl.status),
                ` ${dl.attempts} attempt(s) to ${dl.endpoint_id}`,
                dl.attempt_log.map((a: Json) =>
                  h(
                    'div',
                    { class: 'muted' },
                    `${when(a.attempted_at)} → ${a.status_code ?? a.error} in ${a.latency_ms} ms`,
                  ),
                ),
              ),
            )
          : h('span', { class: 'muted' }, 'no endpoint subscribed'),
        action(
          'Redeliver',
          async () => {
            await post(`/v1/events/${ev.id}/redeliver`);
            box.append(h('div', { role: 'status' }, 'Queued for redelivery.'));
          },
          'secondary',
        ),
      ),
    )
    .catch((err) => replace(box, errorBox(err)));
  return h('li', {}, h('strong', {}, ev.type), ` ${when(ev.created_at)}`, box);
}

export async function callPage(root: HTMLElement, id = '') {
  const [call, events] = await Promise.all([
    get(`/v1/calls/${id}`),
    get(`/v1/events?call_id=${id}&limit=100`),
  ]);
  const player = h('div', {});
  if (call.recording_url || call.ended_at) {
    // The recording needs the CSRF header, so it is fetched and handed to <audio> as a blob.
    request('GET', `/v1/calls/${id}/recording`).then(async (res) => {
      if (!res.ok) return replace(player, h('p', { class: 'muted' }, 'No recording for this call.'));
      const url = URL.createObjectURL(await res.blob());
      replace(player, h('audio', { controls: true, src: url, 'aria-label': 'Call recording' }));
    });
  }
  const kv = (o: Json) =>
    o && Object.keys(o).length
      ? table(
          [
            ['field', ([k]: [string, unknown]) => k],
            ['value', ([, v]: [string, unknown]) => JSON.stringify(v)],
          ],
          Object.entries(o),
        )
      : h('p', { class: 'muted' }, 'none');
  replace(
    root,
    h('h1', {}, `Call ${call.id}`),
    h(
      'p',
      { class: 'row' },
      badge(call.status),
      `${call.direction} to ${call.to_number} from ${call.from_number ?? '—'}`,
      call.duration != null ? ` · ${call.duration}s` : '',
      call.end_reason ? ` · ${call.end_reason}` : '',
    ),
    h('h2', {}, 'Timeline'),
    events.data.length
      ? h('ol', { class: 'timeline' }, [...events.data].reverse().map(eventRow))
      : empty('No events yet.', 'Events appear as the call rings, connects and ends.'),
    h('h2', {}, 'Recording'),
    player,
    h('h2', {}, 'Transcript'),
    call.transcript.length
      ? h(
          'div',
          { class: 'transcript' },
          call.transcript.map((t: Json) => h('p', {}, h('strong', {}, `${t.role}: `), t.text)),
        )
      : h('p', { class: 'muted' }, 'The transcript appears when the call ends.'),
    h('h2', {}, 'Summary and analysis'),
    h(
      'p',
      {},
      call.summary ?? '—',
      call.sentiment ? ` (${call.sentiment}, ${call.outcome ?? 'no outcome'})` : '',
    ),
    kv(call.analysis),
    h('h2', {}, 'Caller data'),
    kv(call.caller_data),
  );
}
