// The audit log: who (key id, Clerk user, operator) created, changed or deleted keys, webhook endpoints,
// numbers, provider credentials, RTB routes and agents, with the request id. Routes build the context
// with `auditContext(c)` (middleware/auth.ts); services call `recordAudit` after the change, or put
// `auditInsert` in the same `db.batch` as the change when the two must land together.
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditEvents } from '../db/schema';
import { invalid, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import type { AccountCtx } from './context';

export type ActorType = 'api_key' | 'clerk' | 'admin' | 'system';

export interface AuditContext {
  db: Db;
  accountId: string;
  actor: { type: ActorType; id: string | null };
  requestId: string | null;
}

export const AUDITED_RESOURCES = [
  'api_key',
  'webhook_endpoint',
  'phone_number',
  'provider_credential',
  'account_credential',
  'account_settings',
  'rtb_endpoint',
  'rtb_route',
  'agent',
  'suppression',
] as const;
export type AuditedResource = (typeof AUDITED_RESOURCES)[number];
export type AuditVerb = 'created' | 'updated' | 'deleted' | 'revoked' | 'rolled' | 'rotated';

export interface AuditEntry {
  resource: AuditedResource;
  verb: AuditVerb;
  resourceId: string | null;
  /** What changed, never secrets: field names, statuses, last four characters. */
  data?: Record<string, unknown>;
}

type AuditRow = typeof auditEvents.$inferSelect;

function row(ctx: AuditContext, e: AuditEntry): AuditRow {
  return {
    id: newId('aud'),
    accountId: ctx.accountId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    action: `${e.resource}.${e.verb}`,
    resourceType: e.resource,
    resourceId: e.resourceId,
    requestId: ctx.requestId,
    data: e.data ?? null,
    createdAt: nowSeconds(),
  };
}

/** The insert statement, for a `db.batch([...change, auditInsert(ctx, e)])`. */
export const auditInsert = (ctx: AuditContext, e: AuditEntry) =>
  ctx.db.insert(auditEvents).values(row(ctx, e));

export async function recordAudit(ctx: AuditContext, e: AuditEntry) {
  await auditInsert(ctx, e);
}

export function presentAudit(r: AuditRow) {
  return {
    id: r.id,
    object: 'audit_event' as const,
    action: r.action,
    resource_type: r.resourceType as AuditedResource,
    resource_id: r.resourceId,
    actor: { type: r.actorType, id: r.actorId },
    request_id: r.requestId,
    data: r.data ?? {},
    created_at: r.createdAt,
  };
}

/** Newest first, paged by cursor (`starting_after` an event id) so a busy log pages stably. */
export async function listAudit(
  ctx: AccountCtx<'id'>,
  q: { limit: number; starting_after?: string; resource_type?: string; resource_id?: string },
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const conds = [eq(auditEvents.accountId, accountId)];
  if (q.resource_type) conds.push(eq(auditEvents.resourceType, q.resource_type));
  if (q.resource_id) conds.push(eq(auditEvents.resourceId, q.resource_id));
  if (q.starting_after) {
    const after = await db.query.auditEvents.findFirst({
      where: and(eq(auditEvents.id, q.starting_after), eq(auditEvents.accountId, accountId)),
    });
    // An id this account has no event for is not found (404), like any other id it does not own.
    if (!after) throw notFound('audit event', 'starting_after');
    {
      const older = or(
        lt(auditEvents.createdAt, after.createdAt),
        and(eq(auditEvents.createdAt, after.createdAt), lt(auditEvents.id, after.id)),
      );
      if (older) conds.push(older);
    }
  }
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...conds))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(q.limit + 1);
  return {
    object: 'list' as const,
    data: rows.slice(0, q.limit).map(presentAudit),
    has_more: rows.length > q.limit,
  };
}
