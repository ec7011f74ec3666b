import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { DomainError, ERROR_STATUS, type ErrorCode, type ErrorStatus, formatParam } from '../lib/errors';

type Issue = z.core.$ZodIssue;

/** Turns the first zod issue into the spec's 400 with `param` (`recipients[3].phone`). */
export function validationError(issues: readonly Issue[], target?: string): DomainError {
  const issue = issues[0];
  let path: PropertyKey[] = [...(issue?.path ?? [])];
  let message = issue?.message ?? 'Invalid request';
  // Headers arrive lower-cased; name them as clients write them (`Idempotency-Key`).
  if (target === 'header' && typeof path[0] === 'string')
    path[0] = path[0].replace(/(^|-)([a-z])/g, (_, dash, ch) => dash + ch.toUpperCase());
  if (issue?.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0]];
    message = `Unknown parameter: ${formatParam(path)}`;
  } else if (issue?.code === 'invalid_type' && issue.input === undefined) {
    message = `${formatParam(path) ?? 'body'} is required`;
  } else if (path.length && !message.includes(String(path[path.length - 1]))) {
    message = `${formatParam(path)}: ${message}`;
  }
  if (target === 'json' && !path.length && issue?.code === 'invalid_type')
    message = 'Request body must be a JSON object';
  return new DomainError('invalid_request', message, formatParam(path));
}

/** Every router validates through zod and reports failures in the one error envelope. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error.issues, result.target);
    },
  });
}

/** Codes answered with `status`, read from the one code→status table in lib/errors.ts. */
const codesFor = (status: number) =>
  (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => ERROR_STATUS[code] === status);

const errorSchema = (name: string, codes: readonly ErrorCode[]) =>
  z
    .object({
      error: z.object({
        code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
        message: z.string(),
        param: z
          .string()
          .optional()
          .openapi({ description: 'The input that was wrong: `recipients[3].phone`' }),
        request_id: z.string(),
      }),
    })
    .openapi(name);

/** Any error: the envelope with every code in the table. */
export const ErrorSchema = errorSchema('Error', Object.keys(ERROR_STATUS) as ErrorCode[]);

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid request: `param` names the input',
  401: 'Missing or invalid credentials',
  403: 'Not allowed for these credentials',
  404: 'Not found in this account',
  409: 'Conflicts with the current state, or the Idempotency-Key is in use with another body',
  413: 'Request body too large',
  422: 'Well-formed but cannot be done (for example outside the calling window, no provider number, or `suppressed`: the number is on the suppression list)',
  429: 'Rate limited: retry after the Retry-After header',
  500: 'Something went wrong on our side; quote the request id',
  503: "`provider_unavailable`: Twilio, Meta or the DNS resolver (a webhook URL's host) could not be asked; nothing was stored, retry after the Retry-After header",
};

/** One documented response per status, each with its own schema (`Error409`) naming only its codes. */
export const errorResponse = (status: ErrorStatus) => ({
  description: ERROR_DESCRIPTIONS[status],
  content: { 'application/json': { schema: errorSchema(`Error${status}`, codesFor(status)) } },
});

/** The error answers every operation can give (validation, auth, key scope, tenancy, body limit, rate limit). */
export const errorResponses = {
  400: errorResponse(400),
  401: errorResponse(401),
  403: errorResponse(403),
  404: errorResponse(404),
  413: errorResponse(413),
  429: errorResponse(429),
  500: errorResponse(500),
} as const;

/**
 * `schema | null` for a schema registered as a component: zod-openapi renders `.nullable()` of a
 * registered schema as a bare `$ref` or an unsatisfiable `allOf`, so say it as a union.
 */
export const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const IdParam = (name: string, example: string) =>
  z.object({
    id: z
      .string()
      .min(1)
      .max(128)
      .openapi({ param: { name: 'id', in: 'path' }, example, description: `The ${name} id` }),
  });

/**
 * An integer query parameter, parsed strictly (digits only; `offset=` and `offset=null` are 400) and
 * documented as `integer` with its bounds, not as the `integer | null` that `z.coerce` advertises.
 */
export const queryInt = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v),
    z.number().int().min(min).max(max),
  );

/** Deeper than this, page with `starting_after` (an OFFSET makes D1 read and drop every skipped row). */
export const MAX_OFFSET = 10_000;

const CursorId = z.string().min(1).max(128);

export const PaginationQuery = z.object({
  limit: queryInt(1, 100).default(20).openapi({ description: 'Page size (1–100)' }),
  offset: z
    .preprocess(
      (v) => (typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v),
      z
        .number()
        .int()
        .min(0)
        .max(MAX_OFFSET, {
          message: `offset is at most ${MAX_OFFSET}: page further with starting_after`,
        }),
    )
    .default(0)
    .openapi({ description: `Items to skip (at most ${MAX_OFFSET}; page deeper with \`starting_after\`)` }),
  starting_after: CursorId.optional().openapi({
    description:
      'A cursor: the id of the last item of the previous page; answers the next (older) page. With `offset`, skips that many more',
  }),
  ending_before: CursorId.optional().openapi({
    description:
      'A cursor: the id of the first item of the current page; answers the page before (newer). With `starting_after`, bounds the window: items older than `starting_after` and newer than `ending_before`, newest first',
  }),
  include_total: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .openapi({
      description: 'Count every matching item into `total` (a COUNT over the list; off by default)',
    }),
});

/** Idempotent creates: the same key and body within 24 h replays the first answer (services/idempotency.ts). */
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: printable means no control characters
    .regex(/^[^\x00-\x1f\x7f]+$/)
    .optional()
    .openapi({
      description:
        'Retry safely: 1–255 printable characters; the same key and body within 24 h replays the first answer',
    }),
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z
      .boolean()
      .openapi({ description: 'More items exist beyond this page, in the direction paged' }),
    total: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Every matching item; present only with `include_total=true`' }),
    limit: z.number().int(),
    offset: z.number().int(),
  });

/** Stripe's `metadata` limits, for metadata, variables and per-recipient data alike. */
export const KV_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/** At most 50 keys, checked before the values are (a 100 000-key object fails at once). */
const fewKeys = (what: string) =>
  z.custom<Record<string, unknown>>(
    (v) => typeof v !== 'object' || v === null || Object.keys(v).length <= KV_LIMITS.keys,
    { message: `${what}: at most ${KV_LIMITS.keys} keys` },
  );
export const KvKey = z.string().min(1).max(KV_LIMITS.keyLength);
export const keyError = (iss: { code?: string }) =>
  iss.code === 'invalid_key' ? `keys must be 1 to ${KV_LIMITS.keyLength} characters` : undefined;

/** A value: a string up to 500 characters, a number, boolean or null, or a small object (500 as JSON). */
const MetadataValue = z.any().superRefine((v, ctx) => {
  const size = typeof v === 'string' ? v.length : JSON.stringify(v ?? null).length;
  if (size > KV_LIMITS.valueLength)
    ctx.addIssue({ code: 'custom', message: `values may be at most ${KV_LIMITS.valueLength} characters` });
});

export const Metadata = fewKeys('metadata')
  .pipe(z.record(KvKey, MetadataValue, { error: keyError }))
  .openapi({
    description:
      'Free-form key-value data stored with the object: at most 50 keys of up to 40 characters, values up to 500',
    type: 'object',
    maxProperties: KV_LIMITS.keys,
    // Spelled out because the custom pre-check hides the record from the generator; without it the typed
    // client (client/schema.d.ts) would type metadata as an object that allows no keys at all.
    additionalProperties: {},
  });
export { fewKeys };
