// Reporting AI: past sessions, a chat, and each answer with its SQL, explanation and a chart drawn from
// `chart_suggestion` over the answer's rows (pie shares are drawn as bars).
import { get, post, type Json } from '../api';
import { chart } from '../chart';
import { empty, field, form, h, replace, when } from '../dom';

function drawAnswer(a: Json) {
  const rows: Json[] = Array.isArray(a.data) ? a.data : [];
  const s = a.chart_suggestion;
  return h(
    'div',
    { class: 'msg answer' },
    h('p', {}, a.answer),
    s && rows.length
      ? chart(
          s.type === 'line' ? 'line' : 'bar',
          rows.map((r) => String(r[s.x_axis] ?? 'unknown')),
          [{ label: s.y_axis, values: rows.map((r) => Number(r[s.y_axis] ?? 0)) }],
          `${s.y_axis.replaceAll('_', ' ')} by ${s.x_axis}`,
        )
      : null,
    a.sql ? h('details', {}, h('summary', {}, 'SQL'), h('pre', {}, a.sql)) : null,
    h('p', { class: 'muted' }, a.explanation),
    a.suggestions?.length ? h('p', { class: 'muted' }, `Try: ${a.suggestions.join(' · ')}`) : null,
  );
}

export async function reportingPage(root: HTMLElement) {
  const params = new URLSearchParams(location.search);
  let sessionId = params.get('session') ?? `dash_${Date.now().toString(36)}`;
  const sessions = await get('/reporting_ai/sessions').catch(() => ({ data: [] }));
  const chat = h('div', { class: 'chat', 'aria-live': 'polite' });
  const history: Array<{ role: string; content: string }> = [];

  if (params.get('session')) {
    const past = await get(`/reporting_ai/sessions/${encodeURIComponent(sessionId)}/messages`);
    for (const m of past.data) {
      history.push({ role: m.role, content: m.content });
      chat.append(
        m.role === 'user'
          ? h('div', { class: 'msg user' }, m.content)
          : h('div', { class: 'msg' }, m.content),
      );
    }
  }

  const ask = form(
    'Ask the Reporting AI',
    [
      field('Question', 'query', {
        required: true,
        placeholder: 'How many calls did we get per day last week?',
        maxlength: 1000,
      }),
    ],
    'Ask',
    async (d) => {
      const query = String(d.get('query') ?? '').trim();
      const answer = await post('/reporting_ai/query', {
        query,
        session_id: sessionId,
        conversation_history: history,
      });
      sessionId = answer.session_id;
      history.push({ role: 'user', content: query }, { role: 'assistant', content: answer.answer });
      chat.append(h('div', { class: 'msg user' }, query), drawAnswer(answer));
      (ask.querySelector('[name=query]') as HTMLInputElement).value = '';
    },
  );

  replace(
    root,
    h('h1', {}, 'Reporting AI'),
    h(
      'p',
      { class: 'muted' },
      'Ask about calls, answers, conversions, durations, payouts, messages and bids, e.g. "calls by agent this month" or "conversion rate per day last week".',
    ),
    chat,
    ask,
    h('h2', {}, 'Earlier sessions'),
    sessions.data.length
      ? h(
          'ul',
          {},
          sessions.data.map((s: Json) =>
            h(
              'li',
              {},
              h('a', { href: `?session=${encodeURIComponent(s.session_id)}` }, s.title),
              ` ${when(s.updated_at)}`,
            ),
          ),
        )
      : empty('No sessions yet.', 'Ask a question above to start one.'),
  );
}
