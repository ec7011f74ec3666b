import { createRoute, z } from '@hono/zod-openapi';
import { invalid } from '../../lib/errors';
import {
  addSuppression,
  addSuppressions,
  getSuppression,
  importSuppressions,
  listSuppressions,
  MAX_IMPORT_ROWS,
  presentSuppression,
  removeSuppression,
  SUPPRESSION_CHANNELS,
  SUPPRESSION_REASONS,
} from '../../services/suppressions';
import {
  errorResponse,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  PaginationQuery,
} from '../router';
import { e164 } from '../schemas';
import { ctxOf } from '../../middleware/auth';

const channel = z.enum(SUPPRESSION_CHANNELS).openapi({
  description: '`call`, `whatsapp`, or `all` (both; the default)',
});
const reason = z.enum(SUPPRESSION_REASONS).openapi({ description: 'Default `do_not_call`' });
const source = z
  .string()
  .max(200)
  .openapi({ description: 'Where the entry came from (your CRM, a complaint form…)', example: 'crm' });

const NewSuppression = z
  .strictObject({
    phone: e164('phone'),
    channel: channel.optional(),
    reason: reason.optional(),
    source: source.nullable().optional(),
  })
  .openapi('NewSuppression');

const Suppression = z
  .object({
    id: z.string(),
    object: z.literal('suppression'),
    phone: z.string(),
    channel,
    reason: z.enum(SUPPRESSION_REASONS),
    source: z.string().nullable().openapi({
      description: 'Yours, or `whatsapp_reply`, `call_analysis`, `call_event` for automatic entries',
    }),
    created_at: z.number(),
  })
  .openapi('Suppression');

const MAX_BULK = 1_000;
const BulkSuppressions = z
  .strictObject({ suppressions: z.array(NewSuppression).min(1).max(MAX_BULK) })
  .openapi('BulkSuppressions');

const BulkResult = z
  .object({
    object: z.literal('list'),
    created: z.number().int(),
    existing: z.number().int().openapi({ description: 'Entries already on the list (left as they were)' }),
    data: z.array(Suppression).openapi({ description: 'The entries that were new' }),
  })
  .openapi('BulkSuppressionsResult');

const ImportResult = z
  .object({
    object: z.literal('suppression_import'),
    rows: z.number().int(),
    created: z.number().int(),
    existing: z.number().int(),
    invalid: z.number().int().openapi({ description: 'Rows skipped; the first 100 are listed in errors' }),
    errors: z.array(z.object({ row: z.number().int(), value: z.string(), error: z.string() })),
  })
  .openapi('SuppressionImport');

/** The same file inside JSON, for clients that only send JSON. */
const CsvJson = z
  .strictObject({
    csv: z
      .string()
      .min(1)
      .max(8 * 1024 * 1024)
      .openapi({ example: 'phone\n+14155550123\n' }),
  })
  .openapi('SuppressionCsv');

const ImportQuery = z.object({
  channel: channel.optional(),
  reason: reason.optional(),
  source: source.optional(),
});

const ListQuery = PaginationQuery.extend({
  phone: e164('phone').optional(),
  channel: channel.optional(),
  reason: reason.optional(),
  source: z.string().max(200).optional(),
});

const Id = IdParam('suppression', 'sup_123');
const tags = ['Suppressions'];
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv'];

export function suppressionRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/suppressions',
      tags,
      summary: 'Suppress a number (no calls or messages to it)',
      description:
        'A new entry emits `suppression.created`; a number already suppressed on that channel answers with the existing entry.',
      request: { body: jsonBody(NewSuppression) },
      responses: { 201: jsonResponse(Suppression, 'On the list'), ...errorResponses },
    }),
    async (c) => {
      const { row } = await addSuppression(ctxOf(c), c.req.valid('json'));
      return c.json(presentSuppression(row), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/suppressions/batch',
      tags,
      summary: `Suppress up to ${MAX_BULK} numbers`,
      description: 'All or nothing: one invalid entry is a 400 naming `suppressions[i].phone`.',
      request: { body: jsonBody(BulkSuppressions) },
      responses: { 200: jsonResponse(BulkResult, 'Added'), ...errorResponses },
    }),
    async (c) => {
      const result = await addSuppressions(ctxOf(c), c.req.valid('json').suppressions);
      return c.json({ object: 'list' as const, ...result, data: result.data.map(presentSuppression) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/suppressions/import',
      tags,
      summary: `Import a CSV of up to ${MAX_IMPORT_ROWS} numbers`,
      description:
        'Body: CSV (`Content-Type: text/csv`), one number a line, with an optional header `phone,channel,reason,source`. The query sets defaults for missing columns. Bad rows are skipped and reported; a file that is wrong as a whole (empty, unknown column, no phone column, too many rows) is a 422 naming `body` and nothing is stored. One `suppression.created` event summarises the import.',
      request: {
        query: ImportQuery,
        body: {
          required: false,
          content: {
            'text/csv': { schema: z.string().openapi({ example: 'phone\n+14155550123\n' }) },
            'application/json': { schema: CsvJson },
          },
        },
      },
      responses: { 200: jsonResponse(ImportResult, 'Imported'), 422: errorResponse(422), ...errorResponses },
    }),
    async (c) => {
      const type = (c.req.header('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
      const json = type.includes('json');
      if (type && !json && !CSV_TYPES.includes(type))
        throw invalid(
          'Content-Type must be text/csv (or application/json with {"csv": "…"})',
          'Content-Type',
        );
      const q = c.req.valid('query');
      const body = json ? (c.req.valid('json') as { csv?: string }) : null;
      const text = body ? (body.csv ?? '') : await c.req.text();
      const result = await importSuppressions(ctxOf(c), text, {
        channel: q.channel ?? 'all',
        reason: q.reason ?? 'do_not_call',
        source: q.source ?? 'import',
      });
      return c.json(result, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/suppressions',
      tags,
      summary: 'List suppressed numbers, newest first',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(listOf(Suppression), 'A page of entries'), ...errorResponses },
    }),
    async (c) => c.json(await listSuppressions(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/suppressions/{id}',
      tags,
      summary: 'Retrieve a suppression entry',
      request: { params: Id },
      responses: { 200: jsonResponse(Suppression, 'The entry'), ...errorResponses },
    }),
    async (c) => c.json(presentSuppression(await getSuppression(ctxOf(c), c.req.valid('param').id)), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/suppressions/{id}',
      tags,
      summary: 'Remove a number from the suppression list',
      request: { params: Id },
      responses: {
        200: jsonResponse(
          z.object({ id: z.string(), object: z.literal('suppression'), deleted: z.literal(true) }),
          'Removed',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await removeSuppression(ctxOf(c), c.req.valid('param').id), 200),
  );
  return r;
}
