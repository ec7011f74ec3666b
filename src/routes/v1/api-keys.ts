import { createRoute, z } from '@hono/zod-openapi';
import type { KeyMode } from '../../db/types';
import { createApiKey, listApiKeys, revokeApiKey, rollApiKey } from '../../services/api-keys';
import { errorResponses, IdParam, jsonBody, jsonResponse, newRouter } from '../router';
import { ctxOf } from '../../middleware/auth';

const ApiKey = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    name: z.string().nullable(),
    mode: z.enum(['live', 'test']),
    prefix: z.string(),
    last4: z.string(),
    redacted: z.string(),
    status: z.enum(['active', 'expired', 'revoked']),
    created_at: z.number(),
    expires_at: z.number().nullable(),
    revoked_at: z.number().nullable(),
    last_used_at: z.number().nullable(),
    key: z
      .string()
      .optional()
      .openapi({ description: 'The plaintext key; only in the answer that creates it' }),
  })
  .openapi('ApiKey');

const CreateKey = z.strictObject({
  name: z.string().max(200).nullable().optional(),
  mode: z
    .enum(['live', 'test'])
    .optional()
    .openapi({ description: 'Defaults to the deployment API_KEY_MODE' }),
});
const RollKey = z.strictObject({
  overlap_seconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .default(86400)
    .openapi({ description: 'How long the old key keeps working (default 24 h, at most 7 days)' }),
});

const tags = ['API keys'];
const Id = IdParam('API key', 'key_123');

export function apiKeyRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/api_keys',
      tags,
      summary: 'Create an API key (the plaintext is shown once)',
      request: { body: jsonBody(CreateKey, false) },
      responses: { 201: jsonResponse(ApiKey, 'The new key, with its plaintext'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const mode: KeyMode = body.mode ?? (c.env.API_KEY_MODE === 'live' ? 'live' : 'test');
      return c.json(await createApiKey(ctxOf(c), mode, body.name ?? null), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/api_keys',
      tags,
      summary: 'List API keys (prefix and last 4 only)',
      responses: {
        200: jsonResponse(z.object({ object: z.literal('list'), data: z.array(ApiKey) }), 'The keys'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listApiKeys(ctxOf(c)), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/api_keys/{id}',
      tags,
      summary: 'Revoke an API key at once',
      request: { params: Id },
      responses: { 200: jsonResponse(ApiKey, 'The revoked key'), ...errorResponses },
    }),
    async (c) => c.json(await revokeApiKey(ctxOf(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/api_keys/{id}/roll',
      tags,
      summary: 'Replace a key; the old one works for an overlap window',
      request: { params: Id, body: jsonBody(RollKey, false) },
      responses: {
        201: jsonResponse(
          ApiKey.extend({ replaces: z.object({ id: z.string(), expires_at: z.number() }) }),
          'The new key',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const overlap = c.req.valid('json').overlap_seconds ?? 86400;
      return c.json(await rollApiKey(ctxOf(c), c.req.valid('param').id, overlap), 201);
    },
  );
  return r;
}
