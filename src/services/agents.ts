import { and, desc, eq, isNull } from 'drizzle-orm';
import { agents, type AnalysisField, type RedialPolicy } from '../db/schema';
import { notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { paginate, type Page } from './pagination';
import type { AccountCtx } from './context';

export type AgentRow = typeof agents.$inferSelect;

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
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

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
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await db.insert(agents).values(row);
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
  const where = and(
    eq(agents.accountId, accountId),
    isNull(agents.deletedAt),
    page.status ? eq(agents.status, page.status) : undefined,
  );
  return paginate(db, agents, where, [desc(agents.createdAt), desc(agents.id)], page, presentAgent);
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
  await db.update(agents).set(set).where(live(accountId, id));
  return presentAgent({ ...row, ...set });
}

/** Soft delete: the agent disappears from the API but its calls stay readable. */
export async function deleteAgent(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getAgent(ctx, id);
  await db.update(agents).set({ deletedAt: nowSeconds(), status: 'inactive' }).where(live(accountId, id));
  return { id, object: 'agent' as const, deleted: true as const };
}
