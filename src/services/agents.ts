import { and, asc, count, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { agents, agentVersions, type AnalysisField, type RedialPolicy } from '../db/schema';
import { notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { listPage, paginate, type Page } from './pagination';
import type { AccountCtx } from './context';

export type AgentRow = typeof agents.$inferSelect;
export type AgentVersionRow = typeof agentVersions.$inferSelect;

/** The fields a version freezes: a change to any of them makes a new version. */
const VERSIONED = ['prompt', 'firstMessage', 'voiceId', 'analysisSchema'] as const;

export interface AgentInput {
  name: string;
  prompt: string;
  first_message?: string | null;
  voice_id?: string | null;
  language?: string;
  status?: 'active' | 'inactive';
  max_duration?: number;
  analysis_schema?: AnalysisField[];
  metadata?: Record<string, unknown>;
  redial?: RedialPolicy | null;
}

export function presentAgent(a: AgentRow) {
  return {
    id: a.id,
    object: 'agent' as const,
    name: a.name,
    prompt: a.prompt,
    first_message: a.firstMessage,
    voice_id: a.voiceId,
    language: a.language,
    status: a.status,
    max_duration: a.maxDuration,
    analysis_schema: a.analysisSchema,
    metadata: a.metadata,
    redial: a.redial ?? null,
    version: a.version,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

export function presentAgentVersion(v: AgentVersionRow) {
  return {
    object: 'agent_version' as const,
    agent_id: v.agentId,
    version: v.version,
    prompt: v.prompt,
    first_message: v.firstMessage,
    voice_id: v.voiceId,
    analysis_schema: v.analysisSchema,
    restored_from: v.restoredFrom,
    created_at: v.createdAt,
  };
}

/** The version as it is on the agent row (the current one), for agents written before versions existed. */
const versionOf = (a: AgentRow): AgentVersionRow => ({
  agentId: a.id,
  version: a.version,
  accountId: a.accountId,
  prompt: a.prompt,
  firstMessage: a.firstMessage,
  voiceId: a.voiceId,
  analysisSchema: a.analysisSchema,
  restoredFrom: null,
  createdAt: a.updatedAt,
});

/**
 * Copies the agent row (just updated in the same batch) into agent_versions under its new number, so the
 * version and the agent can never disagree, whatever other update runs at the same time.
 */
const snapshotVersion = (ctx: AccountCtx<'id'>, id: string, restoredFrom: number | null, now: number) =>
  ctx.db.insert(agentVersions).select(
    sql`SELECT id, version, account_id, prompt, first_message, voice_id, analysis_schema, ${restoredFrom}, ${now}
        FROM agents WHERE id = ${id} AND account_id = ${ctx.account.id} AND deleted_at IS NULL`,
  );

const live = (accountId: string, id: string) =>
  and(eq(agents.id, id), eq(agents.accountId, accountId), isNull(agents.deletedAt));

export async function createAgent(ctx: AccountCtx<'id'>, input: AgentInput) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const now = nowSeconds();
  const row: AgentRow = {
    id: newId('agent'),
    accountId,
    name: input.name,
    prompt: input.prompt,
    firstMessage: input.first_message ?? null,
    voiceId: input.voice_id ?? null,
    language: input.language ?? 'en-US',
    status: input.status ?? 'active',
    maxDuration: input.max_duration ?? 1800,
    analysisSchema: input.analysis_schema ?? [],
    metadata: input.metadata ?? {},
    redial: input.redial ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await db.batch([db.insert(agents).values(row), db.insert(agentVersions).values(versionOf(row))]);
  return presentAgent(row);
}

/** The agent, if it exists in this account and is not deleted. */
export async function findAgent(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return (await db.query.agents.findFirst({ where: live(accountId, id) })) ?? null;
}

export async function getAgent(ctx: AccountCtx<'id'>, id: string, param = 'id') {
  const row = await findAgent(ctx, id);
  if (!row) throw notFound('agent', param);
  return row;
}

export function listAgents(ctx: AccountCtx<'id'>, page: Page & { status?: 'active' | 'inactive' }) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const where = and(isNull(agents.deletedAt), page.status ? eq(agents.status, page.status) : undefined);
  const scope = eq(agents.accountId, accountId);
  return paginate(db, agents, { scope, where, order: [agents.createdAt, agents.id] }, page, presentAgent);
}

export async function updateAgent(ctx: AccountCtx<'id'>, id: string, patch: Partial<AgentInput>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await getAgent(ctx, id);
  const set: Partial<AgentRow> = { updatedAt: nowSeconds() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.prompt !== undefined) set.prompt = patch.prompt;
  if (patch.first_message !== undefined) set.firstMessage = patch.first_message;
  if (patch.voice_id !== undefined) set.voiceId = patch.voice_id;
  if (patch.language !== undefined) set.language = patch.language;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.max_duration !== undefined) set.maxDuration = patch.max_duration;
  if (patch.redial !== undefined) set.redial = patch.redial;
  if (patch.analysis_schema !== undefined) set.analysisSchema = patch.analysis_schema;
  if (patch.metadata !== undefined) set.metadata = patch.metadata;
  const changed = VERSIONED.some(
    (k) => set[k] !== undefined && JSON.stringify(set[k]) !== JSON.stringify(row[k]),
  );
  if (!changed) {
    await db.update(agents).set(set).where(live(accountId, id));
    return presentAgent({ ...row, ...set });
  }
  await db.batch([
    db
      .update(agents)
      .set({ ...set, version: sql`${agents.version} + 1` })
      .where(live(accountId, id)),
    snapshotVersion(ctx, id, null, set.updatedAt!),
  ]);
  return presentAgent(await getAgent(ctx, id));
}

/**
 * An agent's versions, newest first. Versions are numbered, so the cursors are version numbers:
 * `starting_after=3` is the page of versions below 3, `ending_before=3` the versions above it.
 */
export async function listAgentVersions(ctx: AccountCtx<'id'>, agentId: string, page: Page) {
  const cursor = (name: 'starting_after' | 'ending_before') => {
    const v = page[name];
    if (v === undefined) return undefined;
    if (!/^\d{1,9}$/.test(v)) throw notFound('object', name);
    return Number(v);
  };
  const below = cursor('starting_after');
  const above = cursor('ending_before');
  const scope = and(eq(agentVersions.agentId, agentId), eq(agentVersions.accountId, ctx.account.id));
  const newer = above !== undefined && below === undefined;
  const where = and(
    scope,
    below !== undefined ? lt(agentVersions.version, below) : undefined,
    above !== undefined ? gt(agentVersions.version, above) : undefined,
  );
  const rowsQuery = ctx.db
    .select()
    .from(agentVersions)
    .where(where)
    .orderBy(newer ? asc(agentVersions.version) : desc(agentVersions.version))
    .limit(page.limit + 1)
    .offset(page.offset);
  let rows: (typeof agentVersions.$inferSelect)[];
  let total: number | undefined;
  if (page.include_total) {
    const [r, t] = await ctx.db.batch([
      rowsQuery,
      ctx.db.select({ n: count() }).from(agentVersions).where(scope),
    ]);
    rows = r;
    total = t[0]?.n ?? 0;
  } else rows = await rowsQuery;
  return listPage(rows, page, newer, total, presentAgentVersion);
}

/** Version `n` of an agent of this account (null when it has no such version). */
export async function findAgentVersion(ctx: AccountCtx<'id'>, agent: AgentRow, n: number) {
  const row = await ctx.db.query.agentVersions.findFirst({
    where: and(
      eq(agentVersions.agentId, agent.id),
      eq(agentVersions.accountId, ctx.account.id),
      eq(agentVersions.version, n),
    ),
  });
  return row ?? (n === agent.version ? versionOf(agent) : null);
}

export async function getAgentVersion(ctx: AccountCtx<'id'>, agentId: string, n: number) {
  const version = await findAgentVersion(ctx, await getAgent(ctx, agentId), n);
  if (!version) throw notFound('agent version', 'version');
  return version;
}

/**
 * What a call placed now uses: the pinned version (404 naming `param` when the agent has none such), or
 * the agent's current one — read from the same agent row, so it is the version the agent shows.
 */
export async function resolveAgentVersion(
  ctx: AccountCtx<'id'>,
  agent: AgentRow,
  pinned: number | undefined | null,
  param = 'agent_version',
) {
  if (pinned === undefined || pinned === null) return versionOf(agent);
  const version = await findAgentVersion(ctx, agent, pinned);
  if (!version) throw notFound(`version ${pinned} of agent ${agent.id}`, param);
  return version;
}

/** Makes version `n` current again, as a new version (the history is never rewritten). */
export async function restoreAgentVersion(ctx: AccountCtx<'id'>, agentId: string, n: number) {
  const { db } = ctx;
  const old = await getAgentVersion(ctx, agentId, n);
  const now = nowSeconds();
  await db.batch([
    db
      .update(agents)
      .set({
        prompt: old.prompt,
        firstMessage: old.firstMessage,
        voiceId: old.voiceId,
        analysisSchema: old.analysisSchema,
        version: sql`${agents.version} + 1`,
        updatedAt: now,
      })
      .where(live(ctx.account.id, agentId)),
    snapshotVersion(ctx, agentId, n, now),
  ]);
  return presentAgent(await getAgent(ctx, agentId));
}

/** Soft delete: the agent disappears from the API but its calls stay readable. */
export async function deleteAgent(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getAgent(ctx, id);
  await db.update(agents).set({ deletedAt: nowSeconds(), status: 'inactive' }).where(live(accountId, id));
  return { id, object: 'agent' as const, deleted: true as const };
}

/**
 * The agent configuration a call uses: the version it recorded, or (a call from before versions) the agent
 * as it is now. Deleted agents still answer, so a call in flight keeps its script.
 */
export async function agentVersionForCall(
  ctx: AccountCtx<'id'>,
  call: { agentId: string | null; agentVersion: number | null },
): Promise<AgentVersionRow | null> {
  if (!call.agentId) return null;
  const { db } = ctx;
  if (call.agentVersion !== null) {
    const row = await db.query.agentVersions.findFirst({
      where: and(
        eq(agentVersions.agentId, call.agentId),
        eq(agentVersions.accountId, ctx.account.id),
        eq(agentVersions.version, call.agentVersion),
      ),
    });
    if (row) return row;
  }
  const agent = await db.query.agents.findFirst({
    where: and(eq(agents.id, call.agentId), eq(agents.accountId, ctx.account.id)),
  });
  return agent ? versionOf(agent) : null;
}

/** What a provider is handed with a dial. */
export const dialAgentOf = (v: AgentVersionRow | null) =>
  v ? { version: v.version, prompt: v.prompt, first_message: v.firstMessage, voice_id: v.voiceId } : null;
