// Live: calls in progress from the Server-Sent Events stream GET /v1/calls/live (read with fetch so the
// CSRF header goes along), the 5/15/30/45/60 s marks lighting up as they fire, and an end-call button.
import { post, request, type Json } from '../api';
import { action, badge, empty, h, replace, table } from '../dom';

const MARKS = [5, 15, 30, 45, 60];
const ACTIVE = new Set(['queued', 'initiated', 'ringing', 'in_progress']);

function draw(box: HTMLElement, calls: Json[]) {
  if (!calls.length) {
    replace(
      box,
      empty('No calls in progress.', 'Place a test call from Agents & numbers; it appears here as it rings.'),
    );
    return;
  }
  replace(
    box,
    table(
      [
        ['call', (c: Json) => h('a', { href: `/dashboard/calls/${c.id}` }, c.id)],
        ['to', (c: Json) => c.to_number],
        ['status', (c: Json) => badge(c.status)],
        [
          'talking',
          (c: Json) =>
            c.answered_at ? `${(c.ended_at ?? Math.floor(Date.now() / 1000)) - c.answered_at}s` : '—',
        ],
        [
          'marks',
          (c: Json) =>
            h(
              'span',
              { class: 'marks' },
              MARKS.map((m) => {
                const on = c.events.some((e: Json) => e.type === `call.on_${m}_secs_mark`);
                return h('span', { class: `mark${on ? ' on' : ''}`, 'data-mark': m }, `${m}s`);
              }),
            ),
        ],
        [
          '',
          (c: Json) =>
            ACTIVE.has(c.status)
              ? action('End call', () => post(`/v1/calls/${c.id}/end`), 'danger')
              : h('span', { class: 'muted' }, 'ended'),
        ],
      ],
      calls,
    ),
  );
}

export async function livePage(root: HTMLElement) {
  const state = h('p', { class: 'muted', role: 'status' }, 'Connecting…');
  const box = h('div', { 'aria-live': 'polite' });
  replace(root, h('h1', {}, 'Live calls'), state, box);
  for (;;) {
    try {
      const res = await request('GET', '/v1/calls/live');
      if (res.status === 401) return void (location.href = '/dashboard/sign_in');
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
      state.textContent = 'Live: updates as calls change.';
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (data) draw(box, JSON.parse(data).data);
        }
      }
    } catch (err) {
      state.textContent = `Reconnecting (${err instanceof Error ? err.message : err})…`;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
