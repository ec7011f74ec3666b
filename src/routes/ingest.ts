// Incoming webhooks: Moja's /call-data and Miraiminds' /v2/webhooks/call-events. Each reads its raw body
// once (for call-events it is also the replay key), within its own size limit, and authenticates with the account's keys.
import { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { DomainError, invalid } from '../lib/errors';
import { sha256Hex } from '../lib/crypto';
import { normalizePhone } from '../lib/phone';
import { rateLimit } from '../middleware/rate-limit';
import { ingestKeys, webhookAuthKey } from '../middleware/ingest-auth';
import { applyRuntimeEvent, ingestLead } from '../services/ingest';
import { parseIdempotencyKey } from '../services/idempotency';
import { errorResponses, IdempotencyHeader, newRouter, validationError } from './router';
import { publicBaseUrl } from '../middleware/request-context';
import { ctxOf } from '../middleware/auth';

export const INGEST_MAX_BYTES = 256 * 1024;

const tooLarge = () =>
  new DomainError('payload_too_large', `Request body is larger than ${INGEST_MAX_BYTES} bytes`);
/**
 * A declared length over the limit is refused before anything is read. A chunked body (no
 * Content-Length) may already have been read by jsonGuard, so it is measured in readBody instead of
 * re-reading the stream (which threw: a 500 found by the scale bench).
 */
const limitBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (Number(c.req.header('Content-Length')) > INGEST_MAX_BYTES) throw tooLarge();
  await next();
};

/** The body as text plus its parsed form: JSON, or (for /call-data) a form post. */
async function readBody(c: Context<AppEnv>, allowForm: boolean): Promise<{ raw: string; value: unknown }> {
  const type = (c.req.header('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  const raw = await c.req.text();
  if (raw.length > INGEST_MAX_BYTES || new TextEncoder().encode(raw).length > INGEST_MAX_BYTES)
    throw tooLarge();
  if (allowForm && type === 'application/x-www-form-urlencoded')
    return { raw, value: Object.fromEntries(new URLSearchParams(raw)) };
  if (type && !/^application\/([\w.-]+\+)?json$/.test(type))
    throw invalid('Content-Type must be application/json');
  try {
    return { raw, value: JSON.parse(raw) };
  } catch {
    throw invalid('Malformed JSON in request body');
  }
}

const LeadBody = z
  .looseObject({
    caller_id: z
      .union([
        z
          .string()
          .max(32)
          .regex(/^[+\d\s().-]+$/, 'caller_id must be a phone number'),
        z.number().int().positive(),
      ])
      .transform(String)
      .openapi({
        description: 'E.164, or a 10-digit North American number (as digits or a string)',
        // Which digit strings are numbers is beyond a pattern: examples stand for it (test/helpers/arbitrary.ts).
        examples: ['+15551234567', '5551234567', '+44 20 7946 0958', 4155550123],
      }),
    lead_score: z.number().finite().nullable().optional(),
    customer_name: z.string().max(500).nullable().optional(),
    custom_data: z.record(z.string(), z.any()).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length <= 200, 'at most 200 fields')
  .openapi({ maxProperties: 200 });

const ISO_TIME = /^$|^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const isoTime = z
  .union([z.string().max(64).regex(ISO_TIME, 'must be an ISO 8601 time'), z.number().min(0)])
  .nullable()
  .optional()
  // Which digit strings are real times is beyond the pattern: examples stand for it (test/helpers/arbitrary.ts).
  .openapi({ examples: ['2023-11-07T05:31:56Z', '2024-02-29T23:59:59.123+05:30', 1699335116, null] })
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    const ms = typeof v === 'number' ? (v > 1e12 ? v : v * 1000) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time' });
      return z.NEVER;
    }
    return Math.floor(ms / 1000);
  });
const RuntimeCall = z.looseObject({
  id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  status: z.string().max(64).optional(),
  startedAt: isoTime,
  endedAt: isoTime,
  recordingUrl: z.string().max(4096).nullable().optional(),
  detailUrl: z.string().max(4096).nullable().optional(),
  durationSeconds: z
    .number()
    .min(0)
    .max(7 * 86400)
    .nullable()
    .optional(),
});
const RuntimeAnalysis = z.looseObject({
  success: z.boolean().nullable().optional(),
  summary: z.string().max(100_000).nullable().optional(),
  requiredActions: z.array(z.string().max(10_000)).max(200).nullable().optional(),
  insights: z.record(z.string(), z.any()).nullable().optional(),
});
const Parts = {
  call: RuntimeCall.optional(),
  analysis: RuntimeAnalysis.nullable().optional(),
  credits: z.record(z.string(), z.any()).nullable().optional(),
  report: z.record(z.string(), z.any()).nullable().optional(),
};
const RuntimeBody = z.object({
  event: z
    .looseObject({
      type: z.string().min(1).max(100),
      data: z.looseObject(Parts).nullable().optional(),
      ...Parts,
    })
    // The call is required, under event.data or directly under event.
    .openapi({
      anyOf: [
        { required: ['call'], properties: { call: { type: 'object' } } },
        {
          required: ['data'],
          properties: {
            data: { type: 'object', required: ['call'], properties: { call: { type: 'object' } } },
          },
        },
      ],
    }),
});

export function ingestRoutes() {
  const r = newRouter();
  // These routes read their raw body themselves (it is the replay key), so they are described here by hand.
  r.openAPIRegistry.registerPath({
    method: 'post',
    path: '/call-data',
    tags: ['Incoming webhooks'],
    security: [{ moja_auth_key: [] }, { moja_auth_header: [] }],
    summary:
      'Push lead data for a phone number (Moja); merged into its lead record and attached to its calls',
    request: {
      headers: IdempotencyHeader,
      body: {
        content: {
          'application/json': {
            schema: LeadBody.openapi('LeadData', {
              example: {
                caller_id: '+15551234567',
                lead_score: 85,
                customer_name: 'John Doe',
                custom_data: { source: 'landing_page' },
              },
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'Stored',
        content: {
          'application/json': { schema: z.object({ success: z.literal(true), caller_id: z.string() }) },
        },
      },
      ...errorResponses,
    },
  });
  r.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v2/webhooks/call-events',
    tags: ['Incoming webhooks'],
    security: [{ public_key: [], private_key: [] }],
    summary:
      'Call events from an external voice runtime (Miraiminds); authenticated by x-public-key and x-private-key',
    description:
      'call, analysis, credits and report may sit under event.data or directly under event (event.data wins). ' +
      "An unknown call id is 404, except on a call's first event (initiate/ringing), which registers it as an external call.",
    request: {
      body: { content: { 'application/json': { schema: RuntimeBody.openapi('RuntimeCallEvent') } } },
    },
    responses: {
      200: { description: 'Event received', content: { 'text/plain': { schema: z.string() } } },
      ...errorResponses,
    },
  });

  r.post('/call-data', limitBody, webhookAuthKey, rateLimit, async (c) => {
    const { value } = await readBody(c, true);
    const parsed = LeadBody.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error.issues, 'json');
    const { caller_id, ...fields } = parsed.data;
    const phone = normalizePhone(caller_id);
    if (!phone)
      throw invalid('caller_id must be a phone number (E.164, or a 10-digit NANP number)', 'caller_id');
    // Merging is idempotent, so only an explicit Idempotency-Key marks a replay: a body sent again after
    // another one (A → B → A) is a new update and applies. The key is 1–255 printable characters, as
    // the document says (IdempotencyHeader).
    await ingestLead(ctxOf(c), parseIdempotencyKey(c.req.header('Idempotency-Key')), phone, fields);
    return c.json({ success: true, caller_id: phone }, 200);
  });

  r.post('/v2/webhooks/call-events', limitBody, ingestKeys, rateLimit, async (c) => {
    const { raw, value } = await readBody(c, false);
    const parsed = RuntimeBody.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error.issues, 'json');
    const e = parsed.data.event;
    // The seed sends call/analysis/credits/report both under event.data and under event: prefer event.data.
    const call = e.data?.call ?? e.call;
    if (!call) throw invalid('event.data.call is required', 'event.data.call');
    await applyRuntimeEvent(
      ctxOf(c),
      {
        type: e.type,
        call,
        analysis: e.data?.analysis ?? e.analysis,
        credits: e.data?.credits ?? e.credits,
        report: e.data?.report ?? e.report,
      },
      await sha256Hex(raw),
      publicBaseUrl(c),
    );
    return c.text('Event received', 200);
  });
  return r;
}
