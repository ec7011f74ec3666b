import { and, desc, eq, gte, inArray, isNull } from 'drizzle-orm';
import { deliveries, webhookEndpoints } from '../db/schema';
import { DomainError, invalid, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { checkDestination } from '../lib/url-guard';
import { resolverFor } from '../lib/dns';
import { newWebhookSecret } from '../lib/webhook-signature';
import { nowSeconds } from '../lib/time';
import { emitEvent, enqueueDeliveries, EVENT_TYPES, type EventType } from './events';
import { paginate, type Page } from './pagination';
import type { AccountCtx, Ctx } from './context';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export const SECRET_OVERLAP_SECONDS = 24 * 3600;
export const RECOVER_MAX_SECONDS = 14 * 86400;

export function presentEndpoint(e: EndpointRow, secret?: string) {
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    url: e.url,
    description: e.description,
    events: e.events as Array<'*' | EventType>, // checked against EVENT_TYPES when stored
    status: e.status,
    disabled_reason: e.disabledReason,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
    ...(secret ? { secret } : {}),
  };
}

/** The URL text, then its DNS answers (lib/url-guard.ts); delivery checks again (webhook-delivery.ts). */
async function checkUrl(ctx: Ctx, url: string) {
  const { env } = ctx;
  const check = await checkDestination(url, env.ALLOW_PRIVATE_WEBHOOK_URLS === 'true', resolverFor(env));
  if (!check.ok && !check.permanent)
    // The URL may be fine; the lookup was not answered: 503 with Retry-After, nothing saved.
    throw new DomainError('provider_unavailable', `${check.problem}; nothing was saved, try again`, 'url', {
      'Retry-After': '10',
    });
  if (!check.ok) throw invalid(check.problem, 'url');
}

function checkEvents(list: string[] | undefined) {
  if (!list) return ['*'];
  list.forEach((t, i) => {
    if (t !== '*' && !(EVENT_TYPES as readonly string[]).includes(t))
      throw invalid(`Unknown event type ${t}`, `events[${i}]`);
  });
  return list.length ? [...new Set(list)] : ['*'];
}

export async function createEndpoint(
  ctx: AccountCtx<'id'>,
  input: { url: string; events?: string[]; description?: string | null },
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await checkUrl(ctx, input.url);
  const now = nowSeconds();
  const secret = newWebhookSecret();
  const row: EndpointRow = {
    id: newId('we'),
    accountId,
    url: input.url,
    description: input.description ?? null,
    events: checkEvents(input.events),
    status: 'enabled',
    disabledReason: null,
    secret,
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await db.insert(webhookEndpoints).values(row);
  return presentEndpoint(row, secret);
}

const scoped = (accountId: string, id: string) =>
  and(
    eq(webhookEndpoints.id, id),
    eq(webhookEndpoints.accountId, accountId),
    isNull(webhookEndpoints.deletedAt),
  );

export async function getEndpoint(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await db.query.webhookEndpoints.findFirst({ where: scoped(accountId, id) });
  if (!row) throw notFound('webhook_endpoint', 'id');
  return row;
}

export function listEndpoints(ctx: AccountCtx<'id'>, page: Page) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return paginate(
    db,
    webhookEndpoints,
    {
      scope: eq(webhookEndpoints.accountId, accountId),
      where: isNull(webhookEndpoints.deletedAt),
      order: [webhookEndpoints.createdAt, webhookEndpoints.id],
    },
    page,
    (r) => presentEndpoint(r),
  );
}

export async function updateEndpoint(
  ctx: AccountCtx<'id'>,
  id: string,
  patch: { url?: string; events?: string[]; description?: string | null; status?: 'enabled' | 'disabled' },
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await getEndpoint(ctx, id);
  const set: Partial<EndpointRow> = { updatedAt: nowSeconds() };
  if (patch.url !== undefined) {
    await checkUrl(ctx, patch.url);
    set.url = patch.url;
  }
  if (patch.events !== undefined) set.events = checkEvents(patch.events);
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.status !== undefined) {
    set.status = patch.status;
    set.disabledReason = patch.status === 'disabled' ? 'disabled_by_user' : null;
    if (patch.status === 'enabled') set.failingSince = null;
  }
  await db.update(webhookEndpoints).set(set).where(scoped(accountId, id));
  return presentEndpoint({ ...row, ...set });
}

export async function deleteEndpoint(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getEndpoint(ctx, id);
  await db
    .update(webhookEndpoints)
    .set({ deletedAt: nowSeconds(), status: 'disabled', disabledReason: 'deleted' })
    .where(scoped(accountId, id));
  return { id, object: 'webhook_endpoint' as const, deleted: true as const };
}

/** New secret now; the old one keeps signing (alongside) for 24 h so receivers can switch without gaps. */
export async function rotateSecret(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await getEndpoint(ctx, id);
  const secret = newWebhookSecret();
  const now = nowSeconds();
  const set = {
    secret,
    previousSecret: row.secret,
    previousSecretExpiresAt: now + SECRET_OVERLAP_SECONDS,
    updatedAt: now,
  };
  await db.update(webhookEndpoints).set(set).where(scoped(accountId, id));
  return {
    ...presentEndpoint({ ...row, ...set }, secret),
    previous_secret_expires_at: set.previousSecretExpiresAt,
  };
}

/** The secrets that sign a delivery now: the current one, plus the previous one during its overlap. */
export function signingSecrets(e: EndpointRow, nowSec = nowSeconds()): string[] {
  return e.previousSecret && e.previousSecretExpiresAt && e.previousSecretExpiresAt > nowSec
    ? [e.secret, e.previousSecret]
    : [e.secret];
}

export async function sendTestEvent(ctx: AccountCtx<'id'>, id: string) {
  const endpoint = await getEndpoint(ctx, id);
  const event = await emitEvent(
    ctx,
    'webhook_endpoint.test',
    { webhook_endpoint: presentEndpoint(endpoint) },
    { onlyEndpointId: id },
  );
  return { object: 'event' as const, id: event!.id, type: event!.type, created_at: event!.createdAt };
}

/** Resends this endpoint's failed deliveries since `since` (at most 14 days back). */
export async function recoverEndpoint(ctx: AccountCtx<'id'>, id: string, since: number) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getEndpoint(ctx, id);
  const oldest = nowSeconds() - RECOVER_MAX_SECONDS;
  if (since < oldest) throw invalid('since must be within the last 14 days', 'since');
  const failed = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.endpointId, id),
        eq(deliveries.accountId, accountId),
        eq(deliveries.status, 'failed'),
        gte(deliveries.createdAt, since),
      ),
    );
  const ids = failed.map((f) => f.id);
  for (let i = 0; i < ids.length; i += 50) {
    await db
      .update(deliveries)
      .set({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: Date.now(),
        completedAt: null,
        lockedUntil: null,
      })
      .where(inArray(deliveries.id, ids.slice(i, i + 50)));
  }
  await enqueueDeliveries(ctx, ids);
  return { object: 'recovery' as const, endpoint_id: id, since, resent: ids.length };
}
