import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../env';
import { DomainError, formatParam } from '../lib/errors';

type Issue = z.core.$ZodIssue;

/** Turns the first zod issue into the spec's 400 with `param` (`recipients[3].phone`). */
export function validationError(issues: readonly Issue[], target?: string): DomainError {
  const issue = issues[0];
  let path: PropertyKey[] = [...(issue?.path ?? [])];
  let message = issue?.message ?? 'Invalid request';
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

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum([
        'invalid_request',
        'unauthorized',
        'forbidden',
        'not_found',
        'conflict',
        'payload_too_large',
        'unprocessable',
        'rate_limited',
        'server_error',
      ]),
      message: z.string(),
      param: z.string().optional(),
      request_id: z.string(),
    }),
  })
  .openapi('Error');

const err = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** The error answers every authenticated operation can give. */
export const errorResponses = {
  400: err('Invalid request'),
  401: err('Missing or invalid credentials'),
  404: err('Not found in this account'),
  429: err('Rate limited'),
} as const;

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

export const PaginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size (1–100)' }),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean(),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });

export const Metadata = z
  .record(z.string().max(64), z.any())
  .openapi({ description: 'Free-form key-value data stored with the object' });
