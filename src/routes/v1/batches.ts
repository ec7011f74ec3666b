import { createRoute, z } from '@hono/zod-openapi';
import { DAYS, isValidTimeZone } from '../../lib/calling-window';
import { batchSummary, cancelBatch, createBatch, listBatches } from '../../services/batches';
import { idempotent } from '../idempotent';
import {
  errorResponse,
  orNull,
  IdempotencyHeader,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  PaginationQuery,
  validationError,
} from '../router';
import { AgentVersionPin, e164, MaxDuration, Metadata, RedialPolicy, TimeZone, Variables } from '../schemas';
import { publicBaseUrl } from '../../middleware/request-context';
import { ctxOf } from '../../middleware/auth';
import { yieldToIsolate } from '../../lib/yield';

export const MAX_RECIPIENTS = 10_000;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');

const CallingWindow = z
  .strictObject({
    start: hhmm.openapi({ example: '09:00' }),
    end: hhmm.openapi({ example: '20:00' }),
    days: z
      .array(z.enum(DAYS))
      .min(1)
      .max(7)
      .optional()
      .openapi({ example: ['mon', 'tue', 'wed', 'thu', 'fri'] }),
    timezone: z
      .union([z.literal('recipient'), TimeZone], {
        error: () => 'timezone must be an IANA time zone or "recipient"',
      })
      .optional()
      .openapi({
        description:
          'An IANA zone, or "recipient" for each number\'s own zone (by country, and area code in North America). Default: the account\'s zone.',
      }),
  })
  .openapi('CallingWindow');

const Recipient = z.strictObject({ phone: e164('phone'), variables: Variables.optional() });
const batchFields = <R extends z.ZodType>(recipients: R) => ({
  agent_id: z.string().min(1).max(128),
  recipients,
  schedule_at: z
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: 'unix seconds; dialling starts then (now if absent or past)' }),
  from_number: e164('from_number').optional(),
  max_duration: MaxDuration.optional(),
  name: z.string().max(200).optional(),
  calling_window: CallingWindow.optional(),
  metadata: Metadata.optional().openapi({ description: 'Copied onto every call of the batch' }),
  redial: RedialPolicy.optional().openapi({
    description: "Redials by outcome (default: the agent's); a recipient counts once, by its last attempt",
  }),
  agent_version: AgentVersionPin.optional().openapi({
    description:
      'The agent version every call uses (default: the version current when the batch is created; editing the agent later never changes the batch)',
  }),
});
/** The documented body. */
const CreateBatch = z
  .strictObject(batchFields(z.array(Recipient).min(1).max(MAX_RECIPIENTS)))
  .openapi('CreateBatch');
/**
 * What the route's validator checks in one go: everything but the recipients' contents, which
 * `recipientsInChunks` validates a slice at a time, yielding between slices, so the largest batch
 * (10 000 recipients, ~12 MiB) never blocks the isolate for more than a slice (README "Security").
 */
const CreateBatchShallow = z.strictObject(batchFields(z.array(z.unknown()).min(1).max(MAX_RECIPIENTS)));
const RECIPIENT_SLICE = 250;

async function recipientsInChunks(items: unknown[]) {
  const out: Array<z.infer<typeof Recipient>> = [];
  for (let start = 0; start < items.length; start += RECIPIENT_SLICE) {
    if (start) await yieldToIsolate();
    const slice = z.array(Recipient).safeParse(items.slice(start, start + RECIPIENT_SLICE));
    if (!slice.success) {
      const issues = slice.error.issues.map((i) => ({
        ...i,
        path: ['recipients', start + Number(i.path[0]), ...i.path.slice(1)],
      }));
      throw validationError(issues as typeof slice.error.issues, 'json');
    }
    out.push(...slice.data);
  }
  return out;
}

const Created = z
  .object({
    batch_id: z.string(),
    status: z.string(),
    total_recipients: z.number(),
    duplicates_removed: z.number(),
    schedule_at: z.number().nullable(),
  })
  .openapi('CreatedBatch');

const BatchBase = z.object({
  id: z.string(),
  batch_id: z.string(),
  object: z.literal('batch'),
  name: z.string().nullable(),
  agent_id: z.string(),
  agent_version: z.number().int().nullable().openapi({ description: 'The agent version every call uses' }),
  status: z.enum(['scheduled', 'running', 'completed', 'canceled']),
  schedule_at: z.number().nullable(),
  from_number: z.string().nullable(),
  max_duration: z.number().nullable(),
  calling_window: orNull(CallingWindow),
  redial: orNull(RedialPolicy),
  total_recipients: z.number(),
  duplicates_removed: z.number(),
  created_at: z.number(),
  completed_at: z.number().nullable(),
});
const Batch = BatchBase.extend({
  counts: z.record(z.string(), z.number()).openapi({
    description:
      'pending (not dialled yet), not_dialed, suppressed (skipped: on the suppression list), and placed calls by status',
  }),
}).openapi('Batch');

const Id = IdParam('batch', 'batch_123');
const tags = ['Batches'];

export function batchRoutes() {
  const r = newRouter();
  const create = createRoute({
    method: 'post',
    path: '/calls/batch',
    tags,
    summary: 'Call up to 10 000 recipients, scheduled and inside a calling window',
    description:
      "An invalid recipient rejects the whole batch (param recipients[i].phone). Duplicated phones are dialled once. A number on the suppression list is skipped and counted as suppressed. Dialling is paced by the plan's calls/min and concurrency: a batch waits, it never fails on a limit.",
    request: { headers: IdempotencyHeader, body: jsonBody(CreateBatch) },
    responses: {
      201: jsonResponse(Created, 'The batch was accepted'),
      409: errorResponse(409),
      422: errorResponse(422),
      ...errorResponses,
    },
  });
  // Documented with the full body; served with the shallow one plus the chunked recipient check.
  r.openAPIRegistry.registerPath(create);
  r.openapi(
    { ...create, hide: true, request: { ...create.request, body: jsonBody(CreateBatchShallow) } },
    async (c) => {
      const shallow = c.req.valid('json');
      const input = { ...shallow, recipients: await recipientsInChunks(shallow.recipients) };
      const result = await idempotent(c, 'batches.create', input, 201, (ctx) =>
        createBatch(ctx, input, publicBaseUrl(c)),
      );
      return c.json(result.body, 201, result.headers);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/batches',
      tags,
      summary: 'List batches',
      request: { query: PaginationQuery },
      responses: { 200: jsonResponse(listOf(BatchBase), 'A page of batches'), ...errorResponses },
    }),
    async (c) => c.json(await listBatches(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/batches/{id}',
      tags,
      summary: 'A batch with counts per status',
      request: { params: Id },
      responses: { 200: jsonResponse(Batch, 'The batch'), ...errorResponses },
    }),
    async (c) => c.json(await batchSummary(ctxOf(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/batches/{id}/cancel',
      tags,
      summary: 'Cancel pending recipients (live calls finish)',
      request: { params: Id },
      responses: { 200: jsonResponse(Batch, 'The batch'), ...errorResponses },
    }),
    async (c) => c.json(await cancelBatch(ctxOf(c), c.req.valid('param').id), 200),
  );
  return r;
}
