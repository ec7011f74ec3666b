import { createRoute, z } from '@hono/zod-openapi';
import { AUDITED_RESOURCES, listAudit } from '../../services/audit';
import { errorResponses, jsonResponse, newRouter, queryInt } from '../router';
import { ctxOf } from '../../middleware/auth';

const AuditEvent = z
  .object({
    id: z.string(),
    object: z.literal('audit_event'),
    action: z.string().openapi({ example: 'api_key.revoked' }),
    resource_type: z.enum(AUDITED_RESOURCES),
    resource_id: z.string().nullable(),
    actor: z.object({
      type: z.enum(['api_key', 'clerk', 'admin', 'system']),
      id: z
        .string()
        .nullable()
        .openapi({ description: 'The API key id or Clerk user id; null for the operator' }),
    }),
    request_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    created_at: z.number().int(),
  })
  .openapi('AuditEvent');

const Query = z.object({
  limit: queryInt(1, 100).default(20),
  starting_after: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ description: 'An audit event id (paging)' }),
  resource_type: z.enum(AUDITED_RESOURCES).optional(),
  resource_id: z.string().min(1).max(128).optional(),
});

/** GET /v1/audit_events: who created, changed or deleted what, newest first. */
export function auditEventRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/audit_events',
      tags: ['Audit log'],
      summary: 'List audit events, newest first',
      request: { query: Query },
      responses: {
        200: jsonResponse(
          z.object({ object: z.literal('list'), data: z.array(AuditEvent), has_more: z.boolean() }),
          'A page of audit events',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listAudit(ctxOf(c), c.req.valid('query')), 200),
  );
  return r;
}
