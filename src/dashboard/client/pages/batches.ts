// Batches: create from a CSV upload (rows checked before submitting, server errors mapped back to their
// row), calling window and schedule; each batch with a progress bar and cancel.
import { ApiError, get, post, type Json } from '../api';
import { recipientsFromCsv, type ParsedRow } from '../csv';
import { action, badge, empty, errorBox, field, form, h, replace, table, when } from '../dom';

function progress(b: Json) {
  const counts: Record<string, number> = b.counts ?? {};
  const pending = (counts.pending ?? 0) + (counts.queued ?? 0);
  const total = b.total_recipients || 1;
  const done = Object.entries(counts)
    .filter(([k]) => !['pending', 'queued', 'initiated', 'ringing', 'in_progress'].includes(k))
    .reduce((n, [, v]) => n + v, 0);
  const pct = Math.round((done / total) * 100);
  return h(
    'div',
    {},
    h(
      'div',
      {
        class: 'progress',
        role: 'progressbar',
        'aria-valuenow': pct,
        'aria-valuemin': 0,
        'aria-valuemax': 100,
      },
      h('div', { style: `width:${pct}%` }),
    ),
    h('small', { class: 'muted' }, `${done}/${b.total_recipients} done, ${pending} waiting`),
  );
}

export async function batchesPage(root: HTMLElement) {
  const [list, agents] = await Promise.all([get('/v1/batches?limit=20'), get('/v1/agents?limit=100')]);
  const details = await Promise.all(list.data.map((b: Json) => get(`/v1/batches/${b.id}`).catch(() => b)));
  const reload = () => batchesPage(root);
  let rows: ParsedRow[] = [];
  const preview = h('div', { 'aria-live': 'polite' });

  const showRows = (serverError?: ApiError) => {
    // A server-side `recipients[i].phone` error is shown against row i as well.
    const at = serverError?.param ? /^recipients\[(\d+)\]/.exec(serverError.param) : null;
    if (at && rows[Number(at[1])]) rows[Number(at[1])].error = serverError!.message;
    const bad = rows.filter((r) => r.error);
    replace(
      preview,
      h('p', {}, `${rows.length} recipient(s), ${bad.length} with errors.`),
      bad.length
        ? table(
            [
              ['line', (r: ParsedRow) => r.line],
              ['phone', (r: ParsedRow) => r.phone],
              ['error', (r: ParsedRow) => h('span', { class: 'row-error' }, r.error)],
            ],
            bad,
            'Rows to fix',
          )
        : null,
    );
  };

  const upload = h('input', { type: 'file', accept: '.csv,text/csv', id: 'csv_file', name: 'csv' });
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file) return;
    const parsed = recipientsFromCsv(await file.text());
    rows = parsed.rows;
    if (parsed.error) replace(preview, h('div', { class: 'error', role: 'alert' }, parsed.error));
    else showRows();
  });

  const create = form(
    'Create a batch',
    [
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'csv_file' }, 'Recipients CSV (header: phone, then variables)'),
        upload,
      ),
      preview,
      field(
        'Agent',
        'agent_id',
        {},
        'select',
        agents.data.map((a: Json) => a.id),
      ),
      field('Name', 'name'),
      field('Start at (empty = now)', 'schedule_at', { type: 'datetime-local' }),
      h(
        'div',
        { class: 'row' },
        field('Window opens', 'start', { value: '09:00' }),
        field('Window closes', 'end', { value: '20:00' }),
      ),
      field('Window time zone', 'timezone', { value: 'recipient' }),
      h('label', {}, h('input', { type: 'checkbox', name: 'skip_bad' }), ' Leave out rows with errors'),
    ],
    'Create batch',
    async (d) => {
      if (!rows.length) throw new Error('Choose a CSV file first');
      const bad = rows.filter((r) => r.error);
      if (bad.length && !d.get('skip_bad'))
        throw new Error(`Fix the ${bad.length} row(s) listed above, or tick "Leave out rows with errors"`);
      const good = rows.filter((r) => !r.error);
      const at = String(d.get('schedule_at') ?? '');
      try {
        await post('/v1/calls/batch', {
          agent_id: d.get('agent_id'),
          name: String(d.get('name') ?? '') || undefined,
          recipients: good.map((r) => ({ phone: r.phone, variables: r.variables })),
          schedule_at: at ? Math.floor(new Date(at).getTime() / 1000) : undefined,
          calling_window: { start: d.get('start'), end: d.get('end'), timezone: d.get('timezone') },
        });
      } catch (err) {
        if (err instanceof ApiError) showRows(err);
        throw err;
      }
      await reload();
    },
  );

  replace(
    root,
    h('h1', {}, 'Batches'),
    details.length
      ? table(
          [
            ['batch', (b: Json) => h('a', { href: `/dashboard/calls?batch_id=${b.id}` }, b.name ?? b.id)],
            ['status', (b: Json) => badge(b.status)],
            ['progress', progress],
            ['starts', (b: Json) => when(b.schedule_at)],
            [
              '',
              (b: Json) =>
                ['scheduled', 'running'].includes(b.status)
                  ? action(
                      'Cancel',
                      async () => {
                        await post(`/v1/batches/${b.id}/cancel`);
                        await reload();
                      },
                      'danger',
                    )
                  : '',
            ],
          ],
          details,
        )
      : empty('No batches yet.', 'Upload a CSV below to call a list of recipients inside a calling window.'),
    h('h2', {}, 'New batch'),
    agents.data.length ? create : errorBox(new Error('Create an agent first (Agents & numbers).')),
  );
}
