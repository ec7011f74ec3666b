// Reporting AI (README "Reporting AI"): sessions, translation (built-in, or an LLM when configured), compile, guard, run.
import { and, asc, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import { agents, batches, reportingMessages, reportingSessions, rtbEndpoints } from '../db/schema';
import { notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { logger } from '../lib/log';
import { utcOffsetSeconds } from '../lib/zoned-time';
import { answerFor, type ChartSuggestion } from '../reporting/answer';
import { compile, CompileError } from '../reporting/compiler';
import { boundSql, checkSql, GuardError } from '../reporting/guard';
import { llmConfigured, translateWithLlm } from '../reporting/llm';
import { type StructuredQuery, WEEKDAY_NAMES } from '../reporting/model';
import { translate, type TranslateContext, type Translation } from '../reporting/translator';
import type { AccountCtx, Ctx } from './context';

/** One result row: the views only select scalar columns (reporting/model.ts). */
export type ReportingRow = Record<string, string | number | boolean | null>;
export type ReportingData = ReportingRow[] | ReportingRow | null;

export interface ReportingInput {
  query: string;
  session_id?: string;
  conversation_history?: Array<{ role: string; content: string }>;
}

/** The account's agent and campaign names, as three reads to put in one D1 batch with others. */
function vocabularyReads(ctx: AccountCtx<'id'>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return [
    db
      .select({ name: agents.name })
      .from(agents)
      .where(and(eq(agents.accountId, accountId), isNull(agents.deletedAt))),
    db
      .select({ name: batches.name })
      .from(batches)
      .where(and(eq(batches.accountId, accountId), isNotNull(batches.name))),
    db
      .select({ name: rtbEndpoints.campaignName })
      .from(rtbEndpoints)
      .where(and(eq(rtbEndpoints.accountId, accountId), isNotNull(rtbEndpoints.campaignName))),
  ] as const;
}

type Vocabulary = Pick<TranslateContext, 'agents' | 'campaigns'>;

function vocabularyOf(
  agentRows: Array<{ name: string }>,
  batchRows: Array<{ name: string | null }>,
  rtbRows: Array<{ name: string | null }>,
): Vocabulary {
  return {
    agents: [...new Set(agentRows.map((r) => r.name))],
    campaigns: [...new Set([...batchRows, ...rtbRows].map((r) => r.name!).filter(Boolean))],
  };
}

/** The same three reads as plain statements, to share one D1 batch with a report query. */
const VOCABULARY_SQL = [
  'SELECT name FROM agents WHERE account_id = ?1 AND deleted_at IS NULL',
  'SELECT name FROM batches WHERE account_id = ?1 AND name IS NOT NULL',
  'SELECT campaign_name AS name FROM rtb_endpoints WHERE account_id = ?1 AND campaign_name IS NOT NULL',
];

/** The checked SQL for a structured query, or the reason it cannot run. */
function planFor(q: StructuredQuery, tz: string, now: number) {
  try {
    const sql = compile(q, tz, now).sql;
    return { ok: true as const, sql, views: checkSql(sql) };
  } catch (err) {
    if (err instanceof CompileError || err instanceof GuardError)
      return { ok: false as const, reason: err.message };
    throw err;
  }
}

async function vocabulary(ctx: AccountCtx<'id'>): Promise<Vocabulary> {
  return vocabularyOf(...(await ctx.db.batch(vocabularyReads(ctx))));
}

async function translateQuestion(ctx: Ctx, question: string, vocab: TranslateContext): Promise<Translation> {
  const { env } = ctx;
  if (llmConfigured(env)) {
    try {
      return await translateWithLlm(env, question, vocab);
    } catch (err) {
      ctx.log.warn('reporting LLM failed; using the built-in translator', { error: String(err) });
    }
  }
  return translate(question, vocab);
}

/** Both periods' values, the difference and the change in percent (null when there is no base). */
function compared(row: Record<string, unknown> | undefined, asked?: string) {
  const current = Number(row?.current ?? 0);
  const previous = Number(row?.previous ?? 0);
  return {
    current,
    previous,
    difference: current - previous,
    change_percent: previous ? (100 * (current - previous)) / previous : null,
    ...(asked ? { asked } : {}),
  };
}

function declined(reason: string) {
  return {
    query: null,
    answer: `I can't answer that yet: ${reason}.`,
    sql: null,
    explanation: reason,
    data: null,
    chart_suggestion: null,
    suggestions: [] as string[],
  };
}

/** Translate → compile → guard → run, for one account. Never throws for a question it cannot answer. */
export async function runQuestion(
  ctx: AccountCtx<'id' | 'timezone'>,
  question: string,
  previous: StructuredQuery | null,
  now = Date.now(),
  known?: Vocabulary,
) {
  const { env, account } = ctx;
  const d1 = ctx.db.$client;
  let vocab = known;
  let early: { sql: string; rows: ReportingRow[] } | null = null;
  if (!vocab && !llmConfigured(env)) {
    // Latency: most questions name no agent or campaign. The question is translated without names and
    // that query shares one D1 batch with reading the names; translated again with them, the same SQL
    // means the names changed nothing and its rows stand — otherwise the right query runs after.
    const guess = translate(question, {
      now,
      timezone: account.timezone,
      agents: [],
      campaigns: [],
      previous,
    });
    const plan = guess.ok ? planFor(guess.query, account.timezone, now) : null;
    if (plan?.ok) {
      try {
        const [agentRows, batchRows, rtbRows, result] = await d1.batch<Record<string, unknown>>([
          ...VOCABULARY_SQL.map((q) => d1.prepare(q).bind(account.id)),
          d1.prepare(boundSql(plan.sql, plan.views)).bind(account.id),
        ]);
        vocab = vocabularyOf(
          agentRows.results as Array<{ name: string }>,
          batchRows.results as Array<{ name: string }>,
          rtbRows.results as Array<{ name: string }>,
        );
        early = { sql: plan.sql, rows: result.results as ReportingRow[] };
      } catch (err) {
        // The query is run again below, where a refusal is logged and declined.
        if (!/SQLITE_ERROR/.test(String(err))) throw err;
      }
    }
  }
  vocab ??= await vocabulary(ctx);
  const translation = await translateQuestion(ctx, question, {
    now,
    timezone: account.timezone,
    ...vocab,
    previous,
  });
  if (!translation.ok)
    return {
      query: null,
      answer: `${translation.reason} Try: ${translation.suggestions
        .slice(0, 3)
        .map((s) => `"${s}"`)
        .join(', ')}.`,
      sql: null,
      explanation: translation.reason,
      data: null,
      chart_suggestion: null,
      suggestions: translation.suggestions,
    };
  const plan = planFor(translation.query, account.timezone, now);
  if (!plan.ok) return declined(plan.reason);
  const { sql, views } = plan;
  let rows: ReportingRow[];
  if (early && early.sql === sql) rows = early.rows;
  else
    try {
      rows = (await d1.prepare(boundSql(sql, views)).bind(account.id).all<ReportingRow>()).results;
    } catch (err) {
      // A query SQLite refuses is our bug, not the asker's: log it and decline rather than answer 500.
      if (!/SQLITE_ERROR/.test(String(err))) throw err;
      logger(env, { account_id: account.id }).error('reporting query failed', { sql, error: String(err) });
      return declined('that question produced a query I could not run');
    }
  const q = translation.query;
  if (q.dimension === 'weekday')
    for (const r of rows) r.weekday = WEEKDAY_NAMES[Number(r.weekday)] ?? r.weekday;
  const text = answerFor(q, rows, account.timezone, now);
  return {
    query: q,
    sql,
    rows,
    data: q.dimension ? rows : q.compare ? compared(rows[0], q.asked) : (rows[0] ?? {}),
    ...text,
    suggestions: [] as string[],
  };
}

export async function askReporting(
  ctx: AccountCtx<'id' | 'timezone'>,
  input: ReportingInput,
  now = Date.now(),
) {
  const { db, account } = ctx;
  // Latency (README "Reporting AI"): the reads a question needs go to D1 in one batch (without a session,
  // together with the query itself: runQuestion), and every write in one more. A session this request
  // creates cannot exist yet, so it is not looked up.
  const sessionId = input.session_id ?? newId('rs');
  const nowSec = Math.floor(now / 1000);
  let vocab: Vocabulary | undefined;
  let existing = false;
  let last: { payload: Record<string, unknown> | null } | undefined;
  if (input.session_id) {
    const [agentRows, batchRows, rtbRows, sessionRows, lastRows] = await db.batch([
      ...vocabularyReads(ctx),
      db
        .select({ id: reportingSessions.id })
        .from(reportingSessions)
        .where(and(eq(reportingSessions.accountId, account.id), eq(reportingSessions.id, sessionId))),
      db
        .select({ payload: reportingMessages.payload })
        .from(reportingMessages)
        .where(
          and(
            eq(reportingMessages.accountId, account.id),
            eq(reportingMessages.sessionId, sessionId),
            eq(reportingMessages.role, 'assistant'),
          ),
        )
        .orderBy(desc(reportingMessages.createdAtMs))
        .limit(1),
    ]);
    vocab = vocabularyOf(agentRows, batchRows, rtbRows);
    existing = sessionRows.length > 0;
    last = lastRows[0];
  }
  let previous = (last?.payload?.query as StructuredQuery | undefined) ?? null;
  if (!previous && input.conversation_history?.length) {
    // A client that keeps its own history: rebuild the previous question's query from it.
    const lastUser = [...input.conversation_history]
      .reverse()
      .find((m) => m.role === 'user' && typeof m.content === 'string');
    if (lastUser) {
      const t = translate(lastUser.content, { now, timezone: account.timezone, agents: [], campaigns: [] });
      if (t.ok) previous = t.query;
    }
  }
  const result = await runQuestion(ctx, input.query, previous, now, vocab);
  const session = existing
    ? db
        .update(reportingSessions)
        .set({ updatedAt: nowSec })
        .where(and(eq(reportingSessions.accountId, account.id), eq(reportingSessions.id, sessionId)))
    : db
        .insert(reportingSessions)
        .values({
          accountId: account.id,
          id: sessionId,
          title: input.query.slice(0, 120),
          createdAt: nowSec,
          updatedAt: nowSec,
        })
        .onConflictDoUpdate({
          target: [reportingSessions.accountId, reportingSessions.id],
          set: { updatedAt: nowSec },
        });
  await db.batch([
    session,
    db.insert(reportingMessages).values({
      id: newId('rm', now),
      accountId: account.id,
      sessionId,
      role: 'user',
      content: input.query,
      payload: null,
      createdAt: nowSec,
      createdAtMs: now,
    }),
    db.insert(reportingMessages).values({
      id: newId('rm', now + 1),
      accountId: account.id,
      sessionId,
      role: 'assistant',
      content: result.answer,
      createdAt: nowSec,
      createdAtMs: now + 1,
      payload: {
        query: result.query,
        sql: result.sql,
        data: result.data,
        chart_suggestion: result.chart_suggestion,
        explanation: result.explanation,
      },
    }),
  ]);
  return {
    answer: result.answer,
    sql: result.sql,
    explanation: result.explanation,
    data: result.data,
    chart_suggestion: result.chart_suggestion,
    session_id: sessionId,
    ...(result.suggestions.length ? { suggestions: result.suggestions } : {}),
  };
}

export async function listSessions(ctx: AccountCtx<'id'>) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const rows = await db
    .select()
    .from(reportingSessions)
    .where(eq(reportingSessions.accountId, accountId))
    .orderBy(desc(reportingSessions.updatedAt))
    .limit(100);
  return {
    object: 'list' as const,
    data: rows.map((s) => ({
      session_id: s.id,
      title: s.title,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    })),
  };
}

export async function sessionMessages(ctx: AccountCtx<'id'>, sessionId: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const session = await db.query.reportingSessions.findFirst({
    where: and(eq(reportingSessions.accountId, accountId), eq(reportingSessions.id, sessionId)),
  });
  if (!session) throw notFound('session', 'session_id');
  const rows = await db
    .select()
    .from(reportingMessages)
    .where(and(eq(reportingMessages.accountId, accountId), eq(reportingMessages.sessionId, sessionId)))
    .orderBy(asc(reportingMessages.createdAtMs));
  return {
    object: 'list' as const,
    session_id: sessionId,
    data: rows.map((m) => ({
      id: m.id,
      role: m.role,
      content: m.content,
      created_at: m.createdAt,
      ...(m.payload
        ? {
            sql: m.payload.sql as string | null,
            data: m.payload.data as ReportingData,
            chart_suggestion: m.payload.chart_suggestion as ChartSuggestion | null,
          }
        : {}),
    })),
  };
}
