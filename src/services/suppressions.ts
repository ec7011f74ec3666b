// The suppression list (README "Suppression list"): numbers an account must not call or message. Every
// outbound path asks `isSuppressed` / `assertNotSuppressed` once; automatic entries come from WhatsApp
// STOP replies and from call results that report an opt-out.
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { suppressions } from '../db/schema';
import { DomainError, invalid, notFound } from '../lib/errors';
import { hit } from '../lib/faults';
import { newId } from '../lib/ids';
import { normalizePhone } from '../lib/phone';
import { nowSeconds } from '../lib/time';
import { yieldToIsolate } from '../lib/yield';
import { emitEvent, eventStatements } from './events';
import { paginate, type Page } from './pagination';
import type { AccountCtx } from './context';

export const SUPPRESSION_CHANNELS = ['call', 'whatsapp', 'all'] as const;
export const SUPPRESSION_REASONS = ['opted_out', 'do_not_call', 'complained', 'other'] as const;
export type SuppressionChannel = (typeof SUPPRESSION_CHANNELS)[number];
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
export type SuppressionRow = typeof suppressions.$inferSelect;

export interface SuppressionInput {
  phone: string;
  channel?: SuppressionChannel;
  reason?: SuppressionReason;
  source?: string | null;
}

export function presentSuppression(r: SuppressionRow) {
  return {
    id: r.id,
    object: 'suppression' as const,
    phone: r.phone,
    channel: r.channel,
    reason: r.reason,
    source: r.source,
    created_at: r.createdAt,
  };
}

/**
 * Whether `phone` may not be reached on `channel` (an `all` entry blocks both). One indexed lookup on the
 * unique (account_id, phone, channel) index; `npm run bench -- only=suppression` measures its cost per dial.
 */
export async function isSuppressed(
  ctx: AccountCtx<'id'>,
  phone: string,
  channel: Exclude<SuppressionChannel, 'all'>,
): Promise<boolean> {
  const row = await ctx.db
    .select({ id: suppressions.id })
    .from(suppressions)
    .where(
      and(
        eq(suppressions.accountId, ctx.account.id),
        eq(suppressions.phone, phone),
        inArray(suppressions.channel, [channel, 'all']),
      ),
    )
    .limit(1);
  return row.length > 0;
}

/** 422 `suppressed`, naming the request field that carried the number (`recipient_phone`, `to_number`, …). */
export async function assertNotSuppressed(
  ctx: AccountCtx<'id'>,
  phone: string,
  channel: Exclude<SuppressionChannel, 'all'>,
  param: string,
) {
  if (await isSuppressed(ctx, phone, channel)) {
    throw new DomainError(
      'suppressed',
      `${phone} is on this account's suppression list for ${channel === 'call' ? 'calls' : 'WhatsApp'}; remove it from /v1/suppressions to reach it`,
      param,
    );
  }
}

const rowOf = (ctx: AccountCtx<'id'>, e: SuppressionInput, now: number): SuppressionRow => ({
  id: newId('sup'),
  accountId: ctx.account.id,
  phone: e.phone,
  channel: e.channel ?? 'all',
  reason: e.reason ?? 'do_not_call',
  source: e.source ?? null,
  createdAt: now,
});

/** Rows per INSERT … SELECT FROM json_each(?): one bound parameter, far below D1's statement limits. */
const INSERT_CHUNK = 1_000;

/**
 * Adds entries; an entry already on the list (same phone and channel) is left as it was. Each chunk is its own
 * D1 statement with a yield between them: a 100 000-row import sent as one D1 batch held the (local) database,
 * and the isolate with it, for 1.5 s. Either every new entry is stored or none is: when a later chunk fails,
 * what the earlier ones added is deleted (fault point `suppressions-between-batches`). Returns the new rows.
 */
async function insertMany(ctx: AccountCtx<'id'>, entries: SuppressionInput[], withEvents = false) {
  const now = nowSeconds();
  if (!entries.length) return [];
  if (withEvents && entries.length > INSERT_CHUNK)
    throw new Error(`events are written with the rows for at most ${INSERT_CHUNK} entries`);
  const rows: SuppressionRow[] = [];
  const statements = [];
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    const part = entries.slice(i, i + INSERT_CHUNK).map((e) => rowOf(ctx, e, now));
    rows.push(...part);
    const chunk = JSON.stringify(part.map((r) => [r.id, r.phone, r.channel, r.reason, r.source]));
    statements.push(
      // Every column, in the table's order (drizzle lists them all in INSERT … SELECT).
      ctx.db
        .insert(suppressions)
        .select(
          sql`SELECT value ->> 0, ${ctx.account.id}, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ${now}
              FROM json_each(${chunk}) WHERE true`,
        )
        .onConflictDoNothing({ target: [suppressions.accountId, suppressions.phone, suppressions.channel] })
        .returning({ id: suppressions.id }),
    );
    if (entries.length > INSERT_CHUNK) await yieldToIsolate(); // a 100 000-row import builds in slices too
  }
  if (withEvents) return insertWithEvents(ctx, rows, statements[0]);
  const created = new Set<string>();
  try {
    for (let i = 0; i < statements.length; i++) {
      if (i) {
        await yieldToIsolate();
        await hit('suppressions-between-batches');
      }
      for (const x of await statements[i]) created.add(x.id);
    }
  } catch (err) {
    for (let i = 0, ids = [...created]; i < ids.length; i += INSERT_CHUNK) {
      const chunk = JSON.stringify(ids.slice(i, i + INSERT_CHUNK));
      await ctx.db
        .delete(suppressions)
        .where(
          and(
            eq(suppressions.accountId, ctx.account.id),
            sql`${suppressions.id} IN (SELECT value FROM json_each(${chunk}))`,
          ),
        );
    }
    throw err;
  }
  return rows.filter((r) => created.has(r.id));
}

/**
 * Up to INSERT_CHUNK rows and their `suppression.created` events (with deliveries) in one D1 batch, one
 * transaction: all of them are stored or none is, and an event exists exactly for each row this insert added
 * (an entry already on the list gets none). The deliveries are queued once the batch has committed.
 */
async function insertWithEvents(ctx: AccountCtx<'id'>, rows: SuppressionRow[], insert: BatchItem<'sqlite'>) {
  const ev = await eventStatements(
    ctx,
    'suppression.created',
    rows.map((r) => ({
      data: { suppression: presentSuppression(r) },
      dedupeKey: `${r.id}:created`,
      guardId: r.id,
    })),
    (id) => sql`EXISTS (SELECT 1 FROM ${suppressions} WHERE ${suppressions.id} = ${id})`,
  );
  await hit('suppressions-before-event-batch');
  const [inserted, ...rest] = await ctx.db.batch([insert, ...ev.statements]);
  const created = new Set((inserted as Array<{ id: string }>).map((x) => x.id));
  await ev.enqueue(rest);
  return rows.filter((r) => created.has(r.id));
}

/** One entry: `created` false when the phone was already suppressed on that channel (the existing entry). */
export async function addSuppression(ctx: AccountCtx<'id'>, input: SuppressionInput) {
  const [row] = await insertMany(ctx, [input], true);
  if (row) return { row, created: true };
  const existing = await ctx.db.query.suppressions.findFirst({
    where: and(
      eq(suppressions.accountId, ctx.account.id),
      eq(suppressions.phone, input.phone),
      eq(suppressions.channel, input.channel ?? 'all'),
    ),
  });
  if (!existing) throw new Error('suppression vanished between insert and read');
  return { row: existing, created: false };
}

/** Many entries (validated by the route): each new one emits `suppression.created`. */
export async function addSuppressions(ctx: AccountCtx<'id'>, entries: SuppressionInput[]) {
  // One event per new entry, written with the rows in one D1 batch (insertWithEvents). Emitted one at a time,
  // 1 000 events were 1 000 batches in a row, which held /healthz for 140 ms under wrangler dev.
  const created = await insertMany(ctx, dedupe(entries), true);
  return { created: created.length, existing: entries.length - created.length, data: created };
}

function dedupe(entries: SuppressionInput[]) {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const k = `${e.phone}|${e.channel ?? 'all'}`;
    return !seen.has(k) && seen.add(k);
  });
}

/** dedupe() for a 100 000-row import: the same, a slice at a time. */
async function dedupeInSlices(entries: SuppressionInput[]) {
  const seen = new Set<string>();
  const out: SuppressionInput[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i && i % PARSE_CHUNK_ROWS === 0) await yieldToIsolate();
    const e = entries[i];
    const k = `${e.phone}|${e.channel ?? 'all'}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}

export interface SuppressionFilters extends Page {
  phone?: string;
  channel?: SuppressionChannel;
  reason?: SuppressionReason;
  source?: string;
}

export function listSuppressions(ctx: AccountCtx<'id'>, f: SuppressionFilters) {
  const conds: (SQL | undefined)[] = [];
  if (f.phone) conds.push(eq(suppressions.phone, f.phone));
  if (f.channel) conds.push(eq(suppressions.channel, f.channel));
  if (f.reason) conds.push(eq(suppressions.reason, f.reason));
  if (f.source) conds.push(eq(suppressions.source, f.source));
  return paginate(
    ctx.db,
    suppressions,
    {
      scope: eq(suppressions.accountId, ctx.account.id),
      where: and(...conds),
      order: [suppressions.createdAt, suppressions.id],
    },
    f,
    presentSuppression,
  );
}

export async function getSuppression(ctx: AccountCtx<'id'>, id: string) {
  const row = await ctx.db.query.suppressions.findFirst({
    where: and(eq(suppressions.id, id), eq(suppressions.accountId, ctx.account.id)),
  });
  if (!row) throw notFound('suppression', 'id');
  return row;
}

export async function removeSuppression(ctx: AccountCtx<'id'>, id: string) {
  await getSuppression(ctx, id);
  await ctx.db
    .delete(suppressions)
    .where(and(eq(suppressions.id, id), eq(suppressions.accountId, ctx.account.id)));
  return { id, object: 'suppression' as const, deleted: true as const };
}

// ---- CSV import -------------------------------------------------------------------------------------

export const MAX_IMPORT_ROWS = 100_000;
/** Lines parsed between yields: a few ms of work, far below the 50 ms an isolate may block. */
export const PARSE_CHUNK_ROWS = 1_000;
const MAX_ROW_ERRORS = 100;
const COLUMNS = ['phone', 'channel', 'reason', 'source'] as const;

export interface RowError {
  row: number;
  value: string;
  error: string;
}

/** One CSV field list; quotes ("a, b" and "" inside quotes) are honoured. */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** A file the document cannot judge (its content, not its shape): 422, nothing stored. */
const wholeFile = (message: string, param: string) => new DomainError('unprocessable', message, param);

/**
 * Parses a suppression CSV in chunks of PARSE_CHUNK_ROWS lines, yielding to the isolate between chunks.
 * A header row (`phone[,channel,reason,source]`, any order) is optional; without one, the first column is
 * the phone. Whole-file problems (empty, unknown columns, no phone column, too many rows) are a 422 and
 * nothing is stored; a bad row is reported and skipped. `onChunk` is told each chunk's line count.
 */
export async function parseSuppressionCsv(
  text: string,
  defaults: { channel: SuppressionChannel; reason: SuppressionReason; source: string | null },
  onChunk: (lines: number) => void = () => {},
) {
  if (text.includes('\u0000')) throw wholeFile('The file is not text (it contains NUL bytes)', 'body');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  if (!lines.length) throw wholeFile('The file is empty', 'body');

  let order: string[] = ['phone'];
  let start = 0;
  const head = splitCsvLine(lines[0]).map((h) => h.toLowerCase());
  if (head.some((h) => /[a-z]/.test(h) && !normalizePhone(h))) {
    const unknown = head.find((h) => !(COLUMNS as readonly string[]).includes(h));
    if (unknown !== undefined)
      throw wholeFile(`Unknown column "${unknown.slice(0, 40)}"; columns are ${COLUMNS.join(', ')}`, 'body');
    if (!head.includes('phone')) throw wholeFile('The header has no phone column', 'body');
    order = head;
    start = 1;
  }
  const dataRows = lines.length - start;
  if (dataRows > MAX_IMPORT_ROWS)
    throw wholeFile(`The file has ${dataRows} rows; at most ${MAX_IMPORT_ROWS} are imported at once`, 'body');

  const col = (name: (typeof COLUMNS)[number]) => order.indexOf(name);
  const [pi, ci, ri, si] = [col('phone'), col('channel'), col('reason'), col('source')];
  const entries: SuppressionInput[] = [];
  const errors: RowError[] = [];
  let errorCount = 0;
  const fail = (row: number, value: string, error: string) => {
    errorCount++;
    if (errors.length < MAX_ROW_ERRORS) errors.push({ row, value: value.slice(0, 64), error });
  };
  for (let from = start; from < lines.length; from += PARSE_CHUNK_ROWS) {
    const to = Math.min(lines.length, from + PARSE_CHUNK_ROWS);
    for (let i = from; i < to; i++) {
      const line = lines[i];
      if (!line.trim()) continue;
      const f = splitCsvLine(line);
      const rowNo = i + 1; // 1-based line number in the file, header included
      const phone = normalizePhone(f[pi] ?? '');
      if (!phone) {
        fail(rowNo, f[pi] ?? '', 'phone must be a phone number in E.164 format (+14155550123)');
        continue;
      }
      const channel = (ci >= 0 && f[ci] ? f[ci].toLowerCase() : defaults.channel) as SuppressionChannel;
      if (!SUPPRESSION_CHANNELS.includes(channel)) {
        fail(rowNo, f[ci], `channel must be one of ${SUPPRESSION_CHANNELS.join(', ')}`);
        continue;
      }
      const reason = (ri >= 0 && f[ri] ? f[ri].toLowerCase() : defaults.reason) as SuppressionReason;
      if (!SUPPRESSION_REASONS.includes(reason)) {
        fail(rowNo, f[ri], `reason must be one of ${SUPPRESSION_REASONS.join(', ')}`);
        continue;
      }
      const source = si >= 0 && f[si] ? f[si] : defaults.source;
      if (source && source.length > 200) {
        fail(rowNo, source, 'source must be at most 200 characters');
        continue;
      }
      entries.push({ phone, channel, reason, source });
    }
    onChunk(to - from);
    await yieldToIsolate();
  }
  return { entries, errors, errorCount, rows: dataRows };
}

/** A CSV import: valid rows are stored (all in one batch), bad rows reported; one summary event. */
export async function importSuppressions(
  ctx: AccountCtx<'id'>,
  text: string,
  defaults: { channel: SuppressionChannel; reason: SuppressionReason; source: string | null },
) {
  const parsed = await parseSuppressionCsv(text, defaults);
  const unique = await dedupeInSlices(parsed.entries);
  const created = await insertMany(ctx, unique);
  const summary = {
    object: 'suppression_import' as const,
    rows: parsed.rows,
    created: created.length,
    existing: parsed.entries.length - created.length,
    invalid: parsed.errorCount,
    errors: parsed.errors,
  };
  if (created.length) {
    await emitEvent(ctx, 'suppression.created', {
      suppression: null,
      import: { created: created.length, source: defaults.source, channel: defaults.channel },
    });
  }
  return summary;
}

// ---- automatic entries ------------------------------------------------------------------------------

/**
 * Opt-out keywords, as carriers and Twilio's Advanced Opt-Out treat them: the whole message, any case,
 * surrounding whitespace and punctuation ignored ("Stop.", " stop! ", "STOP ALL", "opt-out").
 */
const OPT_OUT_WORDS = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
]);

export function isOptOutText(text: string): boolean {
  const word = text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/ /g, '');
  return word.length <= 16 && OPT_OUT_WORDS.has(word);
}

const OPT_OUT_OUTCOMES = new Set(['opted_out', 'opt_out', 'do_not_call', 'dnc', 'unsubscribed']);
const OPT_OUT_FLAGS = ['opted_out', 'opt_out', 'do_not_call', 'dnc', 'unsubscribe', 'unsubscribed'];

/** A call's outcome or analysis says the person asked not to be called again. */
export function reportsOptOut(outcome: string | null | undefined, analysis: unknown): boolean {
  if (outcome && OPT_OUT_OUTCOMES.has(outcome.toLowerCase())) return true;
  if (!analysis || typeof analysis !== 'object') return false;
  const a = analysis as Record<string, unknown>;
  const nested = a.insights && typeof a.insights === 'object' ? (a.insights as Record<string, unknown>) : {};
  const actions = Array.isArray(a.required_actions) ? a.required_actions : [];
  return (
    OPT_OUT_FLAGS.some((k) => a[k] === true || nested[k] === true) ||
    actions.some((x) => typeof x === 'string' && OPT_OUT_OUTCOMES.has(x.toLowerCase()))
  );
}

/** An automatic entry (reason `opted_out`); nothing happens when the number is already suppressed there. */
export async function suppressAutomatically(
  ctx: AccountCtx<'id'>,
  phone: string,
  channel: SuppressionChannel,
  source: string,
) {
  if (!normalizePhone(phone)) return null;
  const { row, created } = await addSuppression(ctx, { phone, channel, reason: 'opted_out', source });
  if (created) ctx.log.info('number suppressed automatically', { channel, source });
  return row;
}
