// WhatsApp: conversations per contact with each message's status, the 24 h customer-service window, and
// sending a template or (inside the window) text.
import { get, post, type Json } from '../api';
import { badge, empty, field, form, h, replace, when } from '../dom';

const WINDOW = 24 * 3600;

export async function whatsappPage(root: HTMLElement) {
  const [messages, agents] = await Promise.all([get('/v1/messages?limit=100'), get('/v1/agents?limit=100')]);
  const reload = () => whatsappPage(root);
  const byContact = new Map<string, Json[]>();
  for (const m of messages.data) {
    const contact = m.direction === 'outbound' ? m.to_number : m.from_number;
    byContact.set(contact, [...(byContact.get(contact) ?? []), m]);
  }
  const now = Date.now() / 1000;
  const conversations = [...byContact.entries()].map(([contact, list]) => {
    const lastIn = list
      .filter((m) => m.direction === 'inbound')
      .reduce((t, m) => Math.max(t, m.created_at), 0);
    const open = lastIn && now - lastIn < WINDOW;
    return h(
      'section',
      { class: 'card' },
      h('h2', {}, contact, ' ', open ? badge('window open') : badge('template only')),
      h(
        'p',
        { class: 'muted' },
        open
          ? `Free text allowed until ${when(lastIn + WINDOW)}`
          : 'Outside the 24 h window: send a template.',
      ),
      h(
        'ul',
        {},
        [...list]
          .reverse()
          .map((m) =>
            h(
              'li',
              {},
              `${m.direction === 'inbound' ? '←' : '→'} `,
              typeof m.content === 'string' ? m.content : `template ${m.content?.name}`,
              ' ',
              badge(m.status),
              h('small', { class: 'muted' }, ` ${when(m.created_at)}`),
            ),
          ),
      ),
    );
  });
  replace(
    root,
    h('h1', {}, 'WhatsApp'),
    conversations.length
      ? conversations
      : empty('No conversations yet.', 'Send a template below to start one.'),
    h('h2', {}, 'Send a message'),
    form(
      'Send a WhatsApp message',
      [
        field(
          'Agent (answers replies)',
          'agent_id',
          {},
          'select',
          agents.data.map((a: Json) => a.id),
        ),
        field('To (E.164)', 'to_number', { required: true }),
        field('Type', 'message_type', {}, 'select', ['template', 'text']),
        field('Text, or template name', 'content', { required: true }),
        field('Template language', 'language', { value: 'en' }),
        field('Template parameters (comma-separated)', 'parameters'),
      ],
      'Send',
      async (d) => {
        const type = String(d.get('message_type'));
        const params = String(d.get('parameters') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        await post('/v1/messages', {
          agent_id: d.get('agent_id'),
          to_number: d.get('to_number'),
          message_type: type,
          content:
            type === 'text'
              ? d.get('content')
              : { name: d.get('content'), language: d.get('language'), parameters: params },
        });
        await reload();
      },
    ),
  );
}
