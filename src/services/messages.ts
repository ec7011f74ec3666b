// WhatsApp messages (README "WhatsApp"): send through a provider, statuses only move forward, replies go to the agent.
import { and, asc, eq, inArray, isNotNull, type SQL } from 'drizzle-orm';
import { messages, phoneNumbers, whatsappContacts } from '../db/schema';
import { notFound, unprocessable } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import type { MessageStatus, ScriptedStep } from '../db/types';
import { findAgent } from './agents';
import { emitEvent, type EventType } from './events';
import { paginate, type Page } from './pagination';
import { whatsappForAccount } from './provider-credentials';
import { assertNotSuppressed, isOptOutText, suppressAutomatically } from './suppressions';
import { withAccount, type AccountCtx, type Ctx } from './context';
import { messageByProviderId } from '../db/hot-queries';

export type MessageRow = typeof messages.$inferSelect;
export const FREE_FORM_WINDOW_SECONDS = 24 * 3600;

export interface SendInput {
  agent_id: string;
  to_number: string;
  message_type: 'text' | 'template';
  content: string | { name: string; language: string; parameters?: string[] };
  metadata?: Record<string, unknown>;
}

export function presentMessage(m: MessageRow) {
  return {
    id: m.id,
    message_id: m.id,
    object: 'message' as const,
    agent_id: m.agentId,
    direction: m.direction,
    to_number: m.direction === 'outbound' ? m.contact : m.channel,
    from_number: m.direction === 'outbound' ? m.channel : m.contact,
    message_type: m.messageType,
    // Text, or the template object, as validated by routes/v1/messages.ts (or received from Meta as text).
    content: m.content as string | { name: string; language: string; parameters?: string[] },
    status: m.status,
    error: m.error,
    provider: m.provider,
    metadata: m.metadata,
    created_at: m.createdAt,
    sent_at: m.sentAt,
    delivered_at: m.deliveredAt,
    read_at: m.readAt,
  };
}

async function contactOf(ctx: AccountCtx<'id'>, phone: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return (
    (await db.query.whatsappContacts.findFirst({
      where: and(eq(whatsappContacts.accountId, accountId), eq(whatsappContacts.phone, phone)),
    })) ?? null
  );
}

export async function sendMessage(ctx: AccountCtx, input: SendInput) {
  const { db, env, account } = ctx;
  const agent = await findAgent(ctx, input.agent_id);
  if (!agent) throw notFound('agent', 'agent_id');
  if (agent.status !== 'active') throw unprocessable(`Agent ${agent.id} is not active`, 'agent_id');
  await assertNotSuppressed(ctx, input.to_number, 'whatsapp', 'to_number');
  const now = nowSeconds();
  const contact = await contactOf(ctx, input.to_number);
  if (
    input.message_type === 'text' &&
    !(contact?.lastInboundAt && contact.lastInboundAt > now - FREE_FORM_WINDOW_SECONDS)
  ) {
    throw unprocessable(
      "Free-form text is only allowed within 24 hours of the recipient's last message; send an approved template instead",
      'message_type',
    );
  }
  // A number of the account registered with Meta sends through Meta; otherwise the deployment default.
  const waNumber = await db.query.phoneNumbers.findFirst({
    where: and(eq(phoneNumbers.accountId, account.id), isNotNull(phoneNumbers.whatsappPhoneNumberId)),
    orderBy: [asc(phoneNumbers.createdAt)],
  });
  const providerName = waNumber ? 'meta' : env.WHATSAPP_PROVIDER === 'meta' ? 'meta' : 'simulator';
  const row: MessageRow = {
    id: newId('msg'),
    accountId: account.id,
    agentId: agent.id,
    direction: 'outbound',
    contact: input.to_number,
    channel: waNumber?.number ?? env.META_PHONE_NUMBER_ID ?? null,
    messageType: input.message_type,
    content: input.content,
    status: 'queued',
    provider: providerName,
    providerMessageId: null,
    error: null,
    metadata: input.metadata ?? {},
    createdAt: now,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    updatedAt: now,
  };
  await db.batch([
    db.insert(messages).values(row),
    db
      .insert(whatsappContacts)
      .values({
        accountId: account.id,
        phone: input.to_number,
        lastAgentId: agent.id,
        lastInboundAt: null,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [whatsappContacts.accountId, whatsappContacts.phone],
        set: { lastAgentId: agent.id, updatedAt: now },
      }),
  ]);
  try {
    const sent = await (await whatsappForAccount(ctx, providerName)).send({
      messageId: row.id,
      to: row.contact,
      type: row.messageType,
      content: input.content,
      phoneNumberId: waNumber?.whatsappPhoneNumberId ?? null,
      metadata: row.metadata,
    });
    row.providerMessageId = sent.providerMessageId;
    await db
      .update(messages)
      .set({ providerMessageId: sent.providerMessageId })
      .where(eq(messages.id, row.id));
    await scheduleSteps(ctx, row.id, sent.script ?? []);
  } catch (err) {
    await applyMessageStatus(
      ctx,
      row.id,
      'failed',
      String(err instanceof Error ? err.message : err).slice(0, 500),
    );
    row.status = 'failed';
  }
  return row;
}

async function scheduleSteps(ctx: Ctx, messageId: string, steps: ScriptedStep[]) {
  const { env } = ctx;
  if (!steps.length) return;
  await env.EVENTS.sendBatch(
    steps.map((step) => ({
      body: {
        kind: 'whatsapp_step' as const,
        message_id: messageId,
        step,
        account_id: (ctx as Partial<AccountCtx<'id'>>).account?.id,
      },
      ...(Math.round(step.afterMs / 1000) > 0 ? { delaySeconds: Math.round(step.afterMs / 1000) } : {}),
    })),
  );
}

const BEFORE: Record<Exclude<MessageStatus, 'queued' | 'received'>, MessageStatus[]> = {
  sent: ['queued'],
  delivered: ['queued', 'sent'],
  read: ['queued', 'sent', 'delivered'],
  failed: ['queued', 'sent'],
};

/** Moves a message forward; late or repeated statuses change nothing and emit nothing. */
export async function applyMessageStatus(
  ctx: Ctx,
  messageId: string,
  status: Exclude<MessageStatus, 'queued' | 'received'>,
  error?: string | null,
  at = nowSeconds(),
) {
  const { db } = ctx;
  const set: Partial<MessageRow> = { status, updatedAt: nowSeconds() };
  if (status === 'sent') set.sentAt = at;
  if (status === 'delivered') set.deliveredAt = at;
  if (status === 'read') set.readAt = at;
  if (status === 'failed') set.error = error ?? 'failed';
  const [row] = await db
    .update(messages)
    .set(set)
    .where(and(eq(messages.id, messageId), inArray(messages.status, BEFORE[status])))
    .returning();
  if (!row) return false;
  await emitEvent(
    withAccount(ctx, { id: row.accountId }),
    `message.${status}` as EventType,
    { message: presentMessage(row) },
    { dedupeKey: `${row.id}:${status}` },
  );
  return true;
}

/** A message from a customer: stored on the conversation, opens the 24 h window, handed to the last agent. */
export async function receiveMessage(
  ctx: AccountCtx<'id'>,
  from: string,
  text: string,
  opts: { providerMessageId?: string; channel?: string | null; provider: 'simulator' | 'meta' },
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  if (opts.providerMessageId) {
    const dupe = await messageByProviderId(db, opts.providerMessageId, accountId);
    if (dupe) return dupe;
  }
  const now = nowSeconds();
  const contact = await contactOf(ctx, from);
  const row: MessageRow = {
    id: newId('msg'),
    accountId,
    agentId: contact?.lastAgentId ?? null,
    direction: 'inbound',
    contact: from,
    channel: opts.channel ?? null,
    messageType: 'text',
    content: text,
    status: 'received',
    provider: opts.provider,
    providerMessageId: opts.providerMessageId ?? null,
    error: null,
    metadata: {},
    createdAt: now,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    updatedAt: now,
  };
  await db.batch([
    db.insert(messages).values(row),
    db
      .insert(whatsappContacts)
      .values({
        accountId,
        phone: from,
        lastInboundAt: now,
        lastAgentId: contact?.lastAgentId ?? null,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [whatsappContacts.accountId, whatsappContacts.phone],
        set: { lastInboundAt: now, updatedAt: now },
      }),
  ]);
  // STOP and its variants put the sender on the suppression list before anyone can answer them.
  if (isOptOutText(text)) await suppressAutomatically(ctx, from, 'whatsapp', 'whatsapp_reply');
  await emitEvent(
    ctx,
    'message.received',
    { message: presentMessage(row), agent_id: row.agentId },
    { dedupeKey: `${row.id}:received` },
  );
  return row;
}

/** A simulated step that came due on the queue. */
export async function runScriptedStep(ctx: Ctx, messageId: string, step: ScriptedStep) {
  const { db } = ctx;
  if (step.kind === 'status') {
    if (step.status === 'queued' || step.status === 'received') return;
    await applyMessageStatus(ctx, messageId, step.status, step.error);
    return;
  }
  const msg = await db.query.messages.findFirst({ where: eq(messages.id, messageId) });
  if (msg)
    await receiveMessage(withAccount(ctx, { id: msg.accountId }), msg.contact, step.text, {
      provider: 'simulator',
      channel: msg.channel,
      providerMessageId: `wamid.sim.reply.${messageId}`,
    });
}

export async function getMessage(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await db.query.messages.findFirst({
    where: and(eq(messages.id, id), eq(messages.accountId, accountId)),
  });
  if (!row) throw notFound('message', 'id');
  return row;
}

export function listMessages(
  ctx: AccountCtx<'id'>,
  f: Page & {
    contact?: string;
    direction?: 'inbound' | 'outbound';
    status?: MessageStatus;
    agent_id?: string;
  },
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const conds: (SQL | undefined)[] = [];
  if (f.contact) conds.push(eq(messages.contact, f.contact));
  if (f.direction) conds.push(eq(messages.direction, f.direction));
  if (f.status) conds.push(eq(messages.status, f.status));
  if (f.agent_id) conds.push(eq(messages.agentId, f.agent_id));
  return paginate(
    db,
    messages,
    {
      scope: eq(messages.accountId, accountId),
      where: and(...conds),
      order: [messages.createdAt, messages.id],
    },
    f,
    presentMessage,
  );
}
