// Agents (create, edit prompt, first message, voice, analysis schema; place a test call) and phone numbers.
import { api, get, post, type Json } from '../api';
import { badge, empty, field, form, h, replace, table } from '../dom';

const text = (d: FormData, k: string) => String(d.get(k) ?? '').trim();
const orNull = (s: string) => (s === '' ? null : s);

function analysisSchema(raw: string) {
  // One field per line, `name:type:description`, e.g. `confirmed:boolean:Did they confirm?`.
  return raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [name, type = 'string', ...rest] = l.split(':');
      return {
        name: name.trim(),
        type: type.trim(),
        ...(rest.length ? { description: rest.join(':').trim() } : {}),
      };
    });
}

function agentFields(a: Json = {}) {
  return [
    field('Name', 'name', { required: true, value: a.name ?? '' }),
    field('Prompt', 'prompt', { required: true }, 'textarea'),
    field('First message', 'first_message', {}, 'textarea'),
    field('Voice id', 'voice_id', { value: a.voice_id ?? '', placeholder: 'sarvam_hindi_female_01' }),
    field('Analysis fields (one per line, name:type:description)', 'analysis_schema', {}, 'textarea'),
  ];
}

function agentBody(d: FormData) {
  return {
    name: text(d, 'name'),
    prompt: text(d, 'prompt'),
    first_message: orNull(text(d, 'first_message')),
    voice_id: orNull(text(d, 'voice_id')),
    analysis_schema: analysisSchema(text(d, 'analysis_schema')),
  };
}

function editForm(a: Json, done: () => void) {
  const f = form(`Edit ${a.name}`, agentFields(a), 'Save agent', async (d) => {
    await api('PATCH', `/v1/agents/${a.id}`, agentBody(d));
    done();
  });
  // Textareas take their value after creation (the value attribute does not apply to them).
  (f.querySelector('[name=prompt]') as HTMLTextAreaElement).value = a.prompt ?? '';
  (f.querySelector('[name=first_message]') as HTMLTextAreaElement).value = a.first_message ?? '';
  (f.querySelector('[name=analysis_schema]') as HTMLTextAreaElement).value = (a.analysis_schema ?? [])
    .map((x: Json) => [x.name, x.type, x.description].filter(Boolean).join(':'))
    .join('\n');
  return f;
}

export async function agentsPage(root: HTMLElement) {
  const [agents, numbers] = await Promise.all([
    get('/v1/agents?limit=100'),
    get('/v1/phone_numbers?limit=100'),
  ]);
  const reload = () => agentsPage(root);
  const editing = h('div', {});
  const placed = h('div', { role: 'status' });
  const agentOptions = agents.data.map((a: Json) => a.id);

  replace(
    root,
    h('h1', {}, 'Agents & numbers'),
    agents.data.length
      ? table(
          [
            ['name', (a: Json) => a.name],
            ['id', (a: Json) => h('code', {}, a.id)],
            ['voice', (a: Json) => a.voice_id ?? '—'],
            ['status', (a: Json) => badge(a.status ?? 'active')],
            [
              '',
              (a: Json) =>
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    onclick: () => replace(editing, editForm(a, reload)),
                  },
                  'Edit',
                ),
            ],
          ],
          agents.data,
        )
      : empty('No agents yet.', 'Create one below: a name and a prompt are enough.'),
    editing,
    h('h2', {}, 'Create an agent'),
    form('Create an agent', agentFields(), 'Create agent', async (d) => {
      await post('/v1/agents', agentBody(d));
      await reload();
    }),
    h('h2', {}, 'Place a test call'),
    agents.data.length
      ? form(
          'Place a test call',
          [
            field('Agent', 'agent_id', {}, 'select', agentOptions),
            field('Phone (E.164)', 'recipient_phone', { required: true, placeholder: '+14155550123' }),
            field('Simulated talk time (s)', 'talk_seconds', { type: 'number', min: 1, value: 20 }),
          ],
          'Call',
          async (d) => {
            const call = await post('/v1/call', {
              agent_id: text(d, 'agent_id'),
              recipient_phone: text(d, 'recipient_phone'),
              metadata: {
                simulate: { talk_seconds: Number(text(d, 'talk_seconds') || 20), ring_seconds: 1 },
              },
            });
            replace(
              placed,
              'Call placed: ',
              h('a', { href: `/dashboard/calls/${call.id}` }, call.id),
              ' — watch it on ',
              h('a', { href: '/dashboard/live' }, 'Live'),
            );
          },
        )
      : h('p', { class: 'muted' }, 'Create an agent first.'),
    placed,
    h('h2', {}, 'Phone numbers'),
    numbers.data.length
      ? table(
          [
            ['number', (n: Json) => n.number],
            ['name', (n: Json) => n.name ?? ''],
            ['provider', (n: Json) => n.provider],
            ['agent', (n: Json) => n.agent_id ?? '—'],
          ],
          numbers.data,
        )
      : empty(
          'No phone numbers.',
          'Add one below so calls have a caller id and inbound calls reach an agent.',
        ),
    form(
      'Add a phone number',
      [
        field('Number (E.164)', 'number', { required: true, placeholder: '+15005550006' }),
        field('Name', 'name'),
        field('Agent for inbound calls', 'agent_id', {}, 'select', ['', ...agentOptions]),
      ],
      'Add number',
      async (d) => {
        await post('/v1/phone_numbers', {
          number: text(d, 'number'),
          name: orNull(text(d, 'name')),
          agent_id: orNull(text(d, 'agent_id')),
        });
        await reload();
      },
    ),
  );
}
