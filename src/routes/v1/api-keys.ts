import { createRoute, z } from '@hono/zod-openapi';
import { SCOPES } from '../../lib/scopes';
import { auditContext } from '../../middleware/auth';
import type { KeyMode } from '../../db/types';
import { createApiKey, LAST_KEY_RULE, listApiKeys, revokeApiKey, rollApiKey } from '../../services/api-keys';
import { recordAudit } from '../../services/audit';
import { errorResponse, errorResponses, IdParam, jsonBody, jsonResponse, newRouter } from '../router';
import { ctxOf } from '../../middleware/auth';

export const Scopes = z
  .array(z.enum(SCOPES))
  .min(1)
  .max(SCOPES.length)
  .openapi({
    description:
      'A restricted key: the operations it may call (`calls:write`, `reporting:read`, `*:read`, …). ' +
      '`x:write` includes `x:read`. Omit for a key with full access.',
    example: ['calls:write', 'reporting:read'],
  });

export const ApiKey = z
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
    last_used_at: z
      .number()
      .nullable()
      .openapi({ description: 'When the key was last used, to the minute (written after the answer)' }),
    scopes: z.array(z.enum(SCOPES)).nullable().openapi({ description: 'null = full access' }),
    key: z
      .string()
      .optional()
      .openapi({ description: 'The plaintext key; only in the answer that creates it' }),
  })
  .openapi('ApiKey');

const CreateKey = z.strictObject({
  name: z.string().max(200).nullable().optional(),
  scopes: Scopes.optional(),
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
      const audit = auditContext(c);
      const key = await createApiKey(ctxOf(c), mode, body.name ?? null, {
        scopes: body.scopes ? [...new Set(body.scopes)] : null,
        createdBy: audit.actor.id,
      });
      await recordAudit(audit, {
        resource: 'api_key',
        verb: 'created',
        resourceId: key.id,
        data: { name: key.name, mode, scopes: key.scopes, last4: key.last4 },
      });
      return c.json(key, 201);
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
      description: `409 when it would leave no key to use: ${LAST_KEY_RULE}.`,
      request: { params: Id },
      responses: {
        200: jsonResponse(ApiKey, 'The revoked key'),
        ...errorResponses,
        409: { ...errorResponse(409), description: LAST_KEY_RULE },
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const { key, changed } = await revokeApiKey(ctxOf(c), id);
      if (changed)
        await recordAudit(auditContext(c), {
          resource: 'api_key',
          verb: 'revoked',
          resourceId: id,
          data: { last4: key.last4 },
        });
      return c.json(key, 200);
    },
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
      const id = c.req.valid('param').id;
      const next = await rollApiKey(ctxOf(c), id, overlap);
      await recordAudit(auditContext(c), {
        resource: 'api_key',
        verb: 'rolled',
        resourceId: id,
        data: { replaced_by: next.id, old_expires_at: next.replaces.expires_at },
      });
      return c.json(next, 201);
    },
  );
  return r;
}
