// A few DOM helpers: elements from a tag and attributes, tables, forms, error and empty states.
import { ApiError } from './api';

type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;
export type Kid = Node | string | number | null | undefined | false | Kid[];

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...kids: Kid[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  return el;
}

function append(el: Node, kids: Kid[]) {
  for (const k of kids) {
    if (k === null || k === undefined || k === false) continue;
    if (Array.isArray(k)) append(el, k);
    else el.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k)));
  }
}

export function replace(el: Element, ...kids: Kid[]) {
  el.replaceChildren();
  append(el, kids);
}

export const when = (t: number | null | undefined) => (t ? new Date(t * 1000).toLocaleString() : '—');
export const ago = (t: number) => {
  const s = Math.max(0, Math.round(Date.now() / 1000 - t));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`;
};

export function table<T>(cols: Array<[string, (row: T) => Kid]>, rows: T[], caption?: string) {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      {},
      caption ? h('caption', {}, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map(([name]) => h('th', { scope: 'col' }, name)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            cols.map(([, cell]) => h('td', {}, cell(r))),
          ),
        ),
      ),
    ),
  );
}

export const empty = (what: string, next: string) =>
  h('div', { class: 'empty' }, h('strong', {}, what), h('p', {}, next));

/** An API error as the envelope has it: message, the offending field and the request id to quote. */
export function errorBox(err: unknown) {
  if (err instanceof ApiError)
    return h(
      'div',
      { class: 'error', role: 'alert' },
      h('strong', {}, `${err.status} ${err.code}: `),
      err.message,
      err.param ? h('span', { class: 'param' }, ` (field: ${err.param})`) : null,
      err.requestId ? h('small', {}, ` request ${err.requestId}`) : null,
    );
  return h('div', { class: 'error', role: 'alert' }, String(err instanceof Error ? err.message : err));
}

/** A form whose submit runs `action`; an API error appears above the button and focus moves to it. */
export function form(
  label: string,
  fields: Kid[],
  submit: string,
  action: (data: FormData) => Promise<unknown>,
) {
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const f = h('form', { 'aria-label': label }, fields, status, h('button', { type: 'submit' }, submit));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.replaceChildren();
    const button = f.querySelector('button[type=submit]') as HTMLButtonElement;
    button.disabled = true;
    try {
      await action(new FormData(f));
    } catch (err) {
      status.replaceChildren(errorBox(err));
      (status.firstElementChild as HTMLElement | null)?.setAttribute('tabindex', '-1');
    } finally {
      button.disabled = false;
    }
  });
  return f;
}

export function field(
  label: string,
  name: string,
  attrs: Attrs = {},
  kind: 'input' | 'textarea' | 'select' = 'input',
  options: string[] = [],
) {
  const id = `f_${name}_${Math.random().toString(36).slice(2, 7)}`;
  const control =
    kind === 'select'
      ? h(
          'select',
          { id, name, ...attrs },
          options.map((o) => h('option', { value: o }, o)),
        )
      : kind === 'textarea'
        ? h('textarea', { id, name, rows: 4, ...attrs })
        : h('input', { id, name, ...attrs });
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

export const button = (label: string, onclick: () => unknown, cls = '') =>
  h('button', { type: 'button', class: cls, onclick: () => void onclick() }, label);

/** A button that runs an API action and shows its error next to it. */
export function action(label: string, run: () => Promise<unknown>, cls = '') {
  const out = h('span', { class: 'status' });
  const b = h('button', { type: 'button', class: cls }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    out.replaceChildren();
    try {
      await run();
    } catch (err) {
      out.replaceChildren(errorBox(err));
    } finally {
      b.disabled = false;
    }
  });
  return h('span', {}, b, out);
}

export const badge = (text: string) => h('span', { class: `badge s-${text.replace(/[^a-z_]/gi, '')}` }, text);
export const secretOnce = (label: string, value: string) =>
  h(
    'div',
    { class: 'secret', role: 'status' },
    h('strong', {}, `${label} (shown once — copy it now): `),
    h('code', {}, value),
  );
